// The workflow bundle's entry: only workflow code, no I/O (bundled by the worker).
export { applicationWorkflow } from './application/index';
export { batchWorkflow } from './batch';
export { callWorkflow } from './call';
export { surveyWorkflow } from './survey';
export { evaluatorsAssignedWorkflow } from './evaluator-notices';
export { utilisationCollectorWorkflow } from './collector';
