import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { locateTestdata, TESTDATA_ENV } from '../../src/common/testdata';

describe('common: locating the third-party test data', function () {
  it('a folder named in the environment is used, and is explicit', function () {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'testdata-'));
    const found = locateTestdata({ [TESTDATA_ENV]: dir });
    assert.deepEqual(found, { dir, looked: dir, explicit: true });
  });

  it('a named folder that does not exist is reported missing, still explicit (the suite then fails, never skips)', function () {
    const found = locateTestdata({ [TESTDATA_ENV]: '/nonexistent/testdata' });
    assert.equal(found.dir, null);
    assert.equal(found.explicit, true);
  });

  it('without the variable it looks beside the clone, not explicit', function () {
    const found = locateTestdata({});
    assert.equal(found.looked, path.resolve(__dirname, '../../../shared/testdata'));
    assert.equal(found.explicit, false);
  });
});
