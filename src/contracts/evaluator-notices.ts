/** N3: the evaluator-assignment notice workflow's input. */
export interface EvaluatorsAssignedInput {
  callId: string;
  batchId: string;
  evaluatorIds: string[];
}
