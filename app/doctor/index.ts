export { runDoctor, verdictOf, type DoctorConfig, type DoctorTarget } from './doctor.js';
export { formatResult, type CheckResult, type Verdict } from './report.js';
