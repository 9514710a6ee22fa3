// The Vidu simulator: a faithful HTTP stand-in for Vidu's Ad One-Click API
// that tests, the demo and the benchmarks run against (VIDU_BASE_URL points at it).
//
// Where Vidu's documentation is silent, the simulator decides as follows:
// - edit/compose on a main task that has not succeeded: 400 BadRequest "main task not finished: ...";
//   edit/compose/sub-records on an id that is not a main ad task: 404 TaskNotFound;
// - cancel answers the task's /creations body (state 'canceled');
// - an edit's record and a compose's entry in completed_creation_records appear at once, with their running state;
// - narration and bgm creations are MP3 audio (audio/mpeg), videos MP4, covers PNG; by default
//   they are real files rendered with ffmpeg on first request (see render/mediaRenderer.ts), and
//   an edit of a storyboard is a new take the composed video shows when a compose selects it;
// - media answers one byte range (206), ignores a header asking for several (whole file, 200)
//   and answers a range past the end 416;
// - apiCalls counts every request routed to an endpoint, including rejected ones;
// - limits are the client's (VIDU_LIMITS): characters are code points; "20MB" of body is
//   20,000,000 bytes, and a bigger body is answered 400 BadRequest as soon as the limit is
//   passed, without reading the rest, on a connection that is then closed;
// - a data-URI image whose bytes are not a png/jpeg/webp of its declared type is
//   400 ImageFormatInvalid; one over 50 MB or outside 1:4..4:1 is 400 FieldInvalid;
// - a request held by a latency fault when reset() or close() ends the simulation gets no
//   answer: its socket is destroyed.
export { startViduSimulator } from './server';
export type { ViduSimulator } from './server';
export type { SimulatorOptions, SentCallback } from './options';
export type { MediaMode } from './render/mediaRenderer';
export type { FaultConfig, HttpFault, CallbackFault, CallbackLie, MediaFault, TaskFailureFault, SimEndpoint } from './faults';
export type { SimulatedAd } from './adList';
export type { SimulatorCounters } from './counters';
