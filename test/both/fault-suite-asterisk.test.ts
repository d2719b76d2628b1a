// The fault suite (test/support/fault-scenarios.ts) on the real Asterisk 22.10.1, with the SQLite product and with
// the PostgreSQL one (its SQLite-only scenario: the full disk under the SQLite file).
import { faultSuite } from '../support/fault-scenarios.js';
import { DIALECTS } from '../support/store-dialects.js';

for (const dialect of DIALECTS) faultSuite('asterisk', dialect);
