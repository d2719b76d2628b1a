// The fault suite (test/support/fault-scenarios.ts) on the embedded PBX, with the SQLite product and with the
// PostgreSQL one (its SQLite-only scenarios: the full disk and the kill -9 restart on one file).
import { faultSuite } from '../support/fault-scenarios.js';
import { DIALECTS } from '../support/store-dialects.js';

for (const dialect of DIALECTS) faultSuite('sim', dialect);
