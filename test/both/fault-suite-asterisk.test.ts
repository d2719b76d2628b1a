// The fault suite (test/support/fault-scenarios.ts) on the real Asterisk 22.10.1.
import { faultSuite } from '../support/fault-scenarios.js';

faultSuite('asterisk');
