// The ffmpeg command lines, one per kind of file. Every input is a plain file
// name in the render's own folder (the renderer writes the image, the caption
// and a link to the font there), so nothing user-given is ever escaped into a
// filter graph. Kept fast: tiny frames, 12 fps, x264's ultrafast preset.
import type { AudioSubject, ComposeSubject, FrameSize, TakeSubject } from './subjects';

export const FPS = 12;
const FADE_SECONDS = 0.25;

/** Takes last 2.5, 3 or 3.5 s by take number, so picking another take changes the composed video's length too. */
export function takeSeconds(takeNumber: number): number {
  return 2.5 + 0.5 * (takeNumber % 3);
}

export function audioSeconds(role: AudioSubject['role']): number {
  return role === 'narration' ? 3 : 4;
}

export function composeSeconds(subject: ComposeSubject): number {
  return subject.takes.reduce((sum, take) => sum + takeSeconds(take.takeNumber), 0);
}

/** The file names a take render finds in its folder; caption and label only when a font was found. */
export interface TakeFiles {
  image: string;
  font?: string;
  caption?: string;
  label?: string;
}

export interface CaptionLayout {
  fontSize: number;
  maxChars: number;
  maxLines: number;
}

export function captionLayout(size: FrameSize, wideGlyphs: boolean): CaptionLayout {
  const fontSize = Math.round(Math.min(size.width, size.height) / 15);
  const glyphWidth = fontSize * (wideGlyphs ? 1 : 0.6);
  return { fontSize, maxChars: Math.max(8, Math.floor((size.width - 16) / glyphWidth)), maxLines: 3 };
}

const even = (n: number) => Math.round(n / 2) * 2;

const X264 = ['-c:v', 'libx264', '-preset', 'ultrafast', '-crf', '26', '-pix_fmt', 'yuv420p', '-threads', '1', '-movflags', '+faststart'];

/** Four camera moves over the same picture; the take number picks one (and a colour shift), so two takes of a storyboard differ. */
function motion(take: TakeSubject, frames: number, seconds: number): string {
  const { width, height } = take.size;
  switch (take.takeNumber % 4) {
    case 0:
      return `crop=${width}:${height}:x='(iw-ow)*t/${seconds}':y='(ih-oh)/2'`;
    case 1:
      return `zoompan=z='1+0.3*in/${frames}':x='iw/2-(iw/zoom/2)':y='ih/2-(ih/zoom/2)':d=1:s=${width}x${height}:fps=${FPS}`;
    case 2:
      return `crop=${width}:${height}:x='(iw-ow)*(1-t/${seconds})':y='(ih-oh)/2'`;
    default:
      return `crop=${width}:${height}:x='(iw-ow)/2':y='(ih-oh)*t/${seconds}'`;
  }
}

export function takeArgs(take: TakeSubject, files: TakeFiles, layout: CaptionLayout, output: string): string[] {
  const { width, height } = take.size;
  const seconds = takeSeconds(take.takeNumber);
  const frames = Math.round(seconds * FPS);
  // Fitted a quarter larger than the frame, so the camera has room to move.
  const [sourceWidth, sourceHeight] = [even(width * 1.25), even(height * 1.25)];
  const hue = (take.takeNumber * 70) % 360;
  const filters = [
    `scale=${sourceWidth}:${sourceHeight}:force_original_aspect_ratio=increase`,
    `crop=${sourceWidth}:${sourceHeight}`,
    'setsar=1',
    // One decoded picture repeated, rather than the image decoded again for every frame.
    `loop=loop=${frames - 1}:size=1:start=0`,
    `setpts=N/(${FPS}*TB)`,
    motion(take, frames, seconds),
    ...(hue ? [`hue=h=${hue}`] : []),
    `fade=t=in:st=0:d=${FADE_SECONDS}`,
    `fade=t=out:st=${seconds - FADE_SECONDS}:d=${FADE_SECONDS}`,
  ];
  if (files.font && files.label) {
    const size = Math.max(8, Math.round(layout.fontSize * 0.8));
    filters.push(`drawtext=fontfile=${files.font}:textfile=${files.label}:expansion=none:fontsize=${size}:fontcolor=white:box=1:boxcolor=black@0.4:boxborderw=3:x=6:y=6`);
  }
  if (files.font && files.caption) {
    filters.push(
      `drawtext=fontfile=${files.font}:textfile=${files.caption}:expansion=none:fontsize=${layout.fontSize}:fontcolor=white:line_spacing=2` +
        `:box=1:boxcolor=black@0.55:boxborderw=4:x=(w-text_w)/2:y=h-text_h-${Math.round(height / 18)}`,
    );
  }
  filters.push('format=yuv420p');
  return ['-i', files.image, '-filter_complex', `[0:v]${filters.join(',')}[v]`, '-map', '[v]', '-frames:v', String(frames), '-r', String(FPS), '-an', ...X264, output];
}

/** Root, third and fifth of a few chords: each bgm track gets its own. */
const CHORDS = [
  [261.63, 329.63, 392.0],
  [220.0, 261.63, 329.63],
  [174.61, 220.0, 261.63],
  [196.0, 246.94, 293.66],
  [293.66, 369.99, 440.0],
];

/** Narration is a warbling voice-like tone, bgm a pulsing chord; the track number shifts pitch and chord. */
export function audioArgs(audio: AudioSubject, output: string): string[] {
  const seconds = audioSeconds(audio.role);
  let expression: string;
  if (audio.role === 'narration') {
    const pitch = 165 + 25 * (audio.trackNumber % 5);
    expression = `0.5*sin(2*PI*(${pitch}+30*sin(2*PI*2.3*t))*t)*(0.55+0.45*sin(2*PI*3.1*t))`;
  } else {
    const chord = CHORDS[audio.trackNumber % CHORDS.length]!;
    expression = `0.18*(${chord.map((f) => `sin(2*PI*${f}*t)`).join('+')})*(0.6+0.4*sin(2*PI*2*t))`;
  }
  return [
    '-f', 'lavfi',
    '-i', `aevalsrc=exprs='${expression}':s=22050:d=${seconds}`,
    '-af', `afade=t=in:d=0.1,afade=t=out:st=${seconds - 0.4}:d=0.4`,
    '-ac', '1', '-c:a', 'libmp3lame', '-b:a', '48k',
    output,
  ];
}

/**
 * The selected takes one after the other, with the narration over the start
 * and the bgm looped under everything, cut to the video's length.
 */
export function composeArgs(compose: ComposeSubject, takeFiles: string[], audio: { narration?: string; bgm?: string }, output: string): string[] {
  const seconds = composeSeconds(compose);
  const inputs = takeFiles.flatMap((file) => ['-i', file]);
  const graph = [`${takeFiles.map((_, i) => `[${i}:v]`).join('')}concat=n=${takeFiles.length}:v=1:a=0[v]`];
  const tracks: string[] = [];
  let next = takeFiles.length;
  if (audio.narration) {
    inputs.push('-i', audio.narration);
    graph.push(`[${next}:a]adelay=300,apad[narration]`);
    tracks.push('[narration]');
    next += 1;
  }
  if (audio.bgm) {
    inputs.push('-stream_loop', '-1', '-i', audio.bgm);
    graph.push(`[${next}:a]volume=0.5[bgm]`);
    tracks.push('[bgm]');
  }
  const audioOut: string[] = [];
  if (tracks.length > 0) {
    const mixed = tracks.length === 2 ? `${tracks.join('')}amix=inputs=2:duration=first` : `${tracks[0]}anull`;
    graph.push(`${mixed},atrim=0:${seconds}[a]`);
    audioOut.push('-map', '[a]', '-c:a', 'aac', '-b:a', '64k', '-ac', '1');
  }
  return [...inputs, '-filter_complex', graph.join(';'), '-map', '[v]', ...audioOut, '-r', String(FPS), ...X264, output];
}

/** The same video with a small mark in the corner (a box when there is no font to write with). */
export function watermarkArgs(input: string, files: { font?: string; text?: string }, size: FrameSize, output: string): string[] {
  const fontSize = Math.max(8, Math.round(Math.min(size.width, size.height) / 18));
  const mark =
    files.font && files.text
      ? `drawtext=fontfile=${files.font}:textfile=${files.text}:expansion=none:fontsize=${fontSize}:fontcolor=white@0.75:x=w-text_w-6:y=6`
      : `drawbox=x=iw-34:y=6:w=28:h=10:color=white@0.6:t=fill`;
  return ['-i', input, '-vf', `${mark},format=yuv420p`, '-map', '0:v', '-map', '0:a?', '-c:a', 'copy', ...X264, output];
}

/** One frame of the video, at `atSeconds`, as a PNG of the video's size. */
export function frameArgs(input: string, atSeconds: number, output: string): string[] {
  return ['-ss', String(atSeconds), '-i', input, '-frames:v', '1', '-c:v', 'png', '-f', 'image2', output];
}

/** An audio track's cover: its waveform on a colour of its role, in the ad's aspect ratio. */
export function waveformArgs(input: string, audio: AudioSubject, output: string): string[] {
  const { width, height } = audio.size;
  const background = audio.role === 'narration' ? '0x30405a' : '0x4a2f55';
  return [
    '-i', input,
    '-filter_complex', `color=c=${background}:s=${width}x${height}[bg];[0:a]showwavespic=s=${width}x${height}:colors=white[wave];[bg][wave]overlay=format=auto,format=rgb24`,
    '-frames:v', '1', '-c:v', 'png', '-f', 'image2', output,
  ];
}
