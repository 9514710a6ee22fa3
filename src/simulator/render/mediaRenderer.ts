// Makes the files behind the media URLs: real, playable H.264 takes and
// composed videos, MP3 tracks and PNG covers, rendered with ffmpeg on first
// request and cached. Without ffmpeg (or in 'placeholder' mode) it hands out
// the small placeholder files instead. A render that fails is logged and
// answered with the placeholder too: a broken picture must not break a test.
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { extname, join } from 'node:path';
import type { MediaVariant } from '../media';
import { placeholderBytes } from '../mediaBytes';
import { backdropPng } from './backdrop';
import { wrapCaption } from './caption';
import { findEncoder } from './encoder';
import { runFfmpeg } from './ffmpegProcess';
import { captionFont } from './font';
import { audioArgs, captionLayout, composeArgs, frameArgs, takeArgs, takeSeconds, watermarkArgs, waveformArgs, composeSeconds } from './recipes';
import { RenderCache } from './renderCache';
import type { AudioSubject, ComposeSubject, MediaSubject, TakeSubject } from './subjects';

export type MediaMode = 'rendered' | 'placeholder';

/** Enough for hundreds of takes (tens of KB each) and composes (a few hundred KB). */
const CACHE_BYTES = 64 * 1024 * 1024;
const WIDE_GLYPHS = /[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af\uf900-\ufaff]/u;
const EXTENSION_OF_TYPE: Readonly<Record<string, string>> = { 'image/png': '.png', 'image/jpeg': '.jpg', 'image/jpg': '.jpg', 'image/webp': '.webp' };
const SUFFIX: Record<MediaVariant, string> = { video: '.mp4', watermarked: '.wm.mp4', cover: '.png', audio: '.mp3' };

let warnedNoEncoder = false;

function warnNoEncoderOnce(): void {
  if (warnedNoEncoder) return;
  warnedNoEncoder = true;
  console.warn('[simulator] no working ffmpeg (neither @ffmpeg-installer/ffmpeg nor one on PATH): media URLs serve placeholder files');
}

/** Whether a creation of this kind has a file of this variant (an audio track has no video, a video no MP3). */
function hasVariant(subject: MediaSubject, variant: MediaVariant): boolean {
  if (variant === 'cover') return true;
  return subject.kind === 'audio' ? variant === 'audio' : variant !== 'audio';
}

function decodeDataUri(dataUri: string): { bytes: Buffer; extension: string } | undefined {
  const comma = dataUri.indexOf(',');
  const type = dataUri.slice(5, comma).split(';')[0]!.toLowerCase();
  const extension = EXTENSION_OF_TYPE[type];
  return comma > 0 && extension ? { bytes: Buffer.from(dataUri.slice(comma + 1), 'base64'), extension } : undefined;
}

export class MediaRenderer {
  private readonly cache = new RenderCache(CACHE_BYTES);
  private workRoot: Promise<string> | undefined;
  private readonly running = new Set<Promise<Buffer>>();
  private closed = false;

  constructor(
    readonly mode: MediaMode,
    private readonly log: (line: string) => void,
    /** Where ffmpeg comes from (replaced in tests to play a machine without one). */
    private readonly encoder: () => Promise<string | undefined> = findEncoder,
  ) {}

  /** The bytes of `creationId`'s `variant` file; `describe` says what the creation shows (undefined: not ours, placeholder). */
  async content(creationId: string, variant: MediaVariant, describe: () => MediaSubject | undefined): Promise<Buffer> {
    if (this.mode === 'placeholder' || this.closed) return placeholderBytes(creationId, variant);
    const encoder = await this.encoder();
    // Closed while the encoder was looked up: a render now would make a folder nobody deletes.
    if (this.closed) return placeholderBytes(creationId, variant);
    if (!encoder) {
      warnNoEncoderOnce();
      return placeholderBytes(creationId, variant);
    }
    const subject = describe();
    if (!subject || !hasVariant(subject, variant)) return placeholderBytes(creationId, variant);
    return this.file(encoder, subject, variant);
  }

  /** Waits for running renders, then forgets the cache and deletes the work folder. */
  async close(): Promise<void> {
    this.closed = true;
    await Promise.allSettled([...this.running]);
    this.cache.clear();
    const root = this.workRoot;
    this.workRoot = undefined;
    if (root) await rm(await root, { recursive: true, force: true });
  }

  private file(encoder: string, subject: MediaSubject, variant: MediaVariant): Promise<Buffer> {
    const name = `${subject.creationId}${SUFFIX[variant]}`;
    return this.cache.get(name, () => {
      const render = this.renderOrPlaceholder(encoder, subject, variant, name);
      this.running.add(render);
      void render.finally(() => this.running.delete(render));
      return render;
    });
  }

  private async renderOrPlaceholder(encoder: string, subject: MediaSubject, variant: MediaVariant, name: string): Promise<Buffer> {
    const started = performance.now();
    try {
      const bytes = await this.render(encoder, subject, variant);
      this.log(`media: rendered ${name} (${subject.kind} ${variant}, ${bytes.length} bytes) in ${Math.round(performance.now() - started)} ms`);
      return bytes;
    } catch (error) {
      this.log(`media: cannot render ${name}, serving a placeholder: ${error instanceof Error ? error.message : String(error)}`);
      return placeholderBytes(subject.creationId, variant);
    }
  }

  private async render(encoder: string, subject: MediaSubject, variant: MediaVariant): Promise<Buffer> {
    if (variant === 'audio' && subject.kind === 'audio') return this.inFolder((dir) => this.run(encoder, dir, audioArgs(subject, 'out.mp3'), 'out.mp3'));
    if (variant === 'cover') return this.cover(encoder, subject);
    if (variant === 'watermarked') return this.watermarked(encoder, subject);
    if (subject.kind === 'take') return this.take(encoder, subject);
    if (subject.kind === 'compose') return this.compose(encoder, subject);
    throw new Error(`no ${variant} file for a ${subject.kind}`);
  }

  private async take(encoder: string, take: TakeSubject): Promise<Buffer> {
    if (take.image.kind === 'data') {
      const image = decodeDataUri(take.image.dataUri);
      if (image) {
        try {
          return await this.takeFrom(encoder, take, `image${image.extension}`, image.bytes);
        } catch (error) {
          // ffmpeg may not read every image Vidu accepts (e.g. animated WebP): the backdrop stands in.
          this.log(`media: the product image of take ${take.creationId} did not render (${error instanceof Error ? error.message : String(error)}); using a backdrop`);
        }
      }
    }
    return this.takeFrom(encoder, take, 'image.png', backdropPng(take.image.kind === 'backdrop' ? take.image.seed : take.creationId, take.size));
  }

  private async takeFrom(encoder: string, take: TakeSubject, imageName: string, imageBytes: Buffer): Promise<Buffer> {
    const font = await captionFont(take.caption);
    const layout = captionLayout(take.size, WIDE_GLYPHS.test(take.caption));
    return this.inFolder(async (dir) => {
      await writeFile(join(dir, imageName), imageBytes);
      const files: { image: string; font?: string; caption?: string; label?: string } = { image: imageName };
      if (font) {
        files.font = await this.linkFont(dir, font);
        files.label = 'label.txt';
        await writeFile(join(dir, files.label), `storyboard ${take.storyboardIndex + 1} · take ${take.takeNumber + 1}`);
        const lines = wrapCaption(take.caption, layout.maxChars, layout.maxLines);
        if (lines.length > 0) {
          files.caption = 'caption.txt';
          await writeFile(join(dir, files.caption), lines.join('\n'));
        }
      }
      return this.run(encoder, dir, takeArgs(take, files, layout, 'out.mp4'), 'out.mp4');
    });
  }

  private async compose(encoder: string, compose: ComposeSubject): Promise<Buffer> {
    const takes = await Promise.all(compose.takes.map((take) => this.file(encoder, take, 'video')));
    const track = (audio: AudioSubject | undefined) => (audio ? this.file(encoder, audio, 'audio') : undefined);
    const [narration, bgm] = await Promise.all([track(compose.narration), track(compose.bgm)]);
    return this.inFolder(async (dir) => {
      const takeFiles = takes.map((_, i) => `take${i}.mp4`);
      await Promise.all(takes.map((bytes, i) => writeFile(join(dir, takeFiles[i]!), bytes)));
      const audio: { narration?: string; bgm?: string } = {};
      if (narration) await writeFile(join(dir, (audio.narration = 'narration.mp3')), narration);
      if (bgm) await writeFile(join(dir, (audio.bgm = 'bgm.mp3')), bgm);
      return this.run(encoder, dir, composeArgs(compose, takeFiles, audio, 'out.mp4'), 'out.mp4');
    });
  }

  private async watermarked(encoder: string, subject: TakeSubject | ComposeSubject | AudioSubject): Promise<Buffer> {
    const video = await this.file(encoder, subject, 'video');
    const text = 'vidu · simulator';
    const font = await captionFont(text);
    return this.inFolder(async (dir) => {
      await writeFile(join(dir, 'in.mp4'), video);
      const files: { font?: string; text?: string } = {};
      if (font) {
        files.font = await this.linkFont(dir, font);
        await writeFile(join(dir, (files.text = 'watermark.txt')), text);
      }
      return this.run(encoder, dir, watermarkArgs('in.mp4', files, subject.size, 'out.mp4'), 'out.mp4');
    });
  }

  private async cover(encoder: string, subject: MediaSubject): Promise<Buffer> {
    if (subject.kind === 'audio') {
      const audio = await this.file(encoder, subject, 'audio');
      return this.inFolder(async (dir) => {
        await writeFile(join(dir, 'in.mp3'), audio);
        return this.run(encoder, dir, waveformArgs('in.mp3', subject, 'out.png'), 'out.png');
      });
    }
    const video = await this.file(encoder, subject, 'video');
    // A frame a second in: past the fade-in, with the caption showing.
    const seconds = subject.kind === 'take' ? takeSeconds(subject.takeNumber) : composeSeconds(subject);
    return this.inFolder(async (dir) => {
      await writeFile(join(dir, 'in.mp4'), video);
      return this.run(encoder, dir, frameArgs('in.mp4', Math.min(1, seconds / 2), 'out.png'), 'out.png');
    });
  }

  private async linkFont(dir: string, font: string): Promise<string> {
    const name = `font${extname(font).toLowerCase()}`;
    await symlink(font, join(dir, name));
    return name;
  }

  private async run(encoder: string, dir: string, args: string[], output: string): Promise<Buffer> {
    await runFfmpeg(encoder, args, dir);
    return readFile(join(dir, output));
  }

  /** Runs `work` in a fresh folder under this renderer's work folder, deleted afterwards. */
  private async inFolder(work: (dir: string) => Promise<Buffer>): Promise<Buffer> {
    if (this.closed) throw new Error('the simulator is closed: nothing more is rendered');
    this.workRoot ??= mkdtemp(join(tmpdir(), 'vidu-sim-media-'));
    const root = await this.workRoot;
    await mkdir(root, { recursive: true });
    const dir = await mkdtemp(join(root, 'render-'));
    try {
      return await work(dir);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }
}
