// The Vidu data-access layer: the client, its error types, request
// validation and response schemas. Workflow code imports `apiTypes` directly
// instead, to keep undici and zod out of the workflow sandbox.
export * from './apiTypes';
export {
  ViduApiError,
  ViduAbortError,
  ViduNetworkError,
  ViduResponseError,
  ViduValidationError,
  classifyNetworkFailure,
  isRetryableStatus,
  isRetryableViduError,
  isViduError,
  parseViduErrorBody,
  type NetworkOutcome,
  type ValidationIssue,
  type ViduError,
} from './errors';
export { readImageHeader, type ImageFormat, type ImageHeaderResult } from './imageHeader';
export {
  ASPECT_RATIOS,
  EDIT_TYPES,
  LANGUAGES,
  VIDU_LIMITS,
  validateComposeRequest,
  validateCreateAdRequest,
  validateEditRequest,
  validateTaskId,
} from './requestValidation';
export * from './schemas';
export {
  DEFAULT_TIMEOUT_MS,
  ViduClient,
  downloadMedia,
  type ComposeCallOptions,
  type DownloadMediaOptions,
  type DownloadedMedia,
  type ViduCallOptions,
  type ViduClientOptions,
} from './viduClient';
