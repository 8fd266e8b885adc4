/** The one error class of the server and the one error shape of every route. */
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { ApiErrorBody } from '../contract/api.ts';

export type ErrorType = ApiErrorBody['error']['type'];

export class ApiError extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    readonly type: ErrorType,
    readonly code: string,
    message: string,
    readonly param?: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  toBody(): ApiErrorBody {
    return {
      error: {
        type: this.type,
        code: this.code,
        message: this.message,
        ...(this.param === undefined ? {} : { param: this.param }),
      },
    };
  }
}

export const invalidRequest = (code: string, message: string, param?: string) =>
  new ApiError(400, 'invalid_request_error', code, message, param);

export const notFound = (what: string, param?: string) =>
  new ApiError(404, 'invalid_request_error', 'resource_missing', `No such ${what}.`, param);

export const conflict = (code: string, message: string) => new ApiError(409, 'invalid_request_error', code, message);
