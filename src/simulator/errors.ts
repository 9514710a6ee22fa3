// Vidu's error body as integrations observe it (docs/vidu-api.md, "Errors"):
// {"code": <http status>, "reason": "<Code>", "message": "...", "metadata": {"trace_id": "..."}}.
import { randomBytes } from 'node:crypto';

/** An error the simulator answers with; thrown anywhere inside request handling. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export function errorBody(status: number, code: string, message: string) {
  return { code: status, reason: code, message, metadata: { trace_id: randomBytes(16).toString('hex') } };
}

export const badRequest = (message: string) => new ApiError(400, 'BadRequest', message);
export const fieldLacking = (field: string) => new ApiError(400, 'FieldLacking', `${field} is required`);
export const fieldInvalid = (field: string, rule: string) => new ApiError(400, 'FieldInvalid', `${field} ${rule}`);
export const taskNotFound = (id: string) => new ApiError(404, 'TaskNotFound', `task ${id} not found`);
