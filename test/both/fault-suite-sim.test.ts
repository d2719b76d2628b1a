// The fault suite (test/support/fault-scenarios.ts) on the embedded PBX.
import { faultSuite } from '../support/fault-scenarios.js';

faultSuite('sim');
