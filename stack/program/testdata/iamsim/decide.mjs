// decide.mjs: the IAM decisions of the program's permission tests, made by
// @cloud-copilot/iam-simulate (an evaluator ecsdeck did not write).
//
// stdin: one JSON object per line:
//   {"id": "...", "principal": "arn:aws:iam::123456789012:role/x",
//    "identityPolicies": [{...policy document...}],
//    "resourcePolicy": {...} | null,
//    "action": "s3:GetObject", "resource": "arn:aws:s3:::b/k",
//    "context": {"iam:PassedToService": "ecs-tasks.amazonaws.com"}}
// stdout: one JSON object per line, in the same order:
//   {"id": "...", "decision": "Allowed" | "ExplicitlyDenied" | "ImplicitlyDenied",
//    "errors": null | {...the simulator's validation errors...}}
import { createInterface } from 'node:readline'
import { runSimulation } from '@cloud-copilot/iam-simulate'

const lines = createInterface({ input: process.stdin, crlfDelay: Infinity })
for await (const line of lines) {
  if (line.trim() === '') continue
  const req = JSON.parse(line)
  const account = req.principal.split(':')[4]
  const sim = {
    identityPolicies: req.identityPolicies.map((policy, i) => ({ name: `policy${i + 1}`, policy })),
    serviceControlPolicies: [],
    resourceControlPolicies: [],
    resourcePolicy: req.resourcePolicy ?? undefined,
    request: {
      principal: req.principal,
      action: req.action,
      resource: { resource: req.resource, accountId: req.resourceAccount ?? account },
      contextVariables: req.context ?? {}
    }
  }
  let out
  try {
    const res = await runSimulation(sim, {})
    if (res.resultType === 'error') {
      out = { id: req.id, decision: 'Error', errors: res.errors }
    } else {
      out = { id: req.id, decision: res.overallResult, errors: null }
    }
  } catch (e) {
    out = { id: req.id, decision: 'Error', errors: { message: String(e) } }
  }
  process.stdout.write(JSON.stringify(out) + '\n')
}
