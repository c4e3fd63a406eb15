// The zone, exam and date scope of a list of cases, and its fields, the same on the case library and the dashboard.
export { ANY_SCOPE, examsOf, inScope, zonesOf, type CaseScope } from './caseScope';
export { CaseScopeFields } from './CaseScopeFields';
