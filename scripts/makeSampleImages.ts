// Draws the demo's sample product photos (samples/*.png) from simple shapes,
// so the repository ships real, small images it has the rights to. Run
// `npx tsx scripts/makeSampleImages.ts` to redraw them; the output is
// deterministic, so a redraw changes nothing unless this script changed.
import { writeFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { deflateSync } from 'node:zlib';
import { PNG_SIGNATURE, pngChunk } from '../src/simulator/png';

type Rgb = [number, number, number];

class Canvas {
  readonly pixels: Uint8Array;
  constructor(
    readonly width: number,
    readonly height: number,
  ) {
    this.pixels = new Uint8Array(width * height * 3);
  }

  set(x: number, y: number, [r, g, b]: Rgb): void {
    if (x < 0 || y < 0 || x >= this.width || y >= this.height) return;
    const at = (y * this.width + x) * 3;
    this.pixels[at] = r;
    this.pixels[at + 1] = g;
    this.pixels[at + 2] = b;
  }

  /** A vertical gradient background, banded in steps of 8 rows so it compresses well. */
  background(top: Rgb, bottom: Rgb): void {
    for (let y = 0; y < this.height; y++) {
      const t = Math.floor(y / 8) * 8 / this.height;
      const color = top.map((c, i) => Math.round(c + (bottom[i]! - c) * t)) as Rgb;
      for (let x = 0; x < this.width; x++) this.set(x, y, color);
    }
  }

  fill(inside: (x: number, y: number) => boolean, color: Rgb): void {
    for (let y = 0; y < this.height; y++) for (let x = 0; x < this.width; x++) if (inside(x + 0.5, y + 0.5)) this.set(x, y, color);
  }

  ellipse(cx: number, cy: number, rx: number, ry: number, color: Rgb): void {
    this.fill((x, y) => ((x - cx) / rx) ** 2 + ((y - cy) / ry) ** 2 <= 1, color);
  }

  roundedRect(x0: number, y0: number, x1: number, y1: number, radius: number, color: Rgb): void {
    this.fill((x, y) => {
      if (x < x0 || x > x1 || y < y0 || y > y1) return false;
      const dx = Math.max(x0 + radius - x, 0, x - (x1 - radius));
      const dy = Math.max(y0 + radius - y, 0, y - (y1 - radius));
      return dx * dx + dy * dy <= radius * radius;
    }, color);
  }

  polygon(points: Array<[number, number]>, color: Rgb): void {
    this.fill((x, y) => {
      let inside = false;
      for (let i = 0, j = points.length - 1; i < points.length; j = i++) {
        const [xi, yi] = points[i]!;
        const [xj, yj] = points[j]!;
        if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
      }
      return inside;
    }, color);
  }
}

/** An 8-bit RGB PNG, each row with filter type "Sub" (neighbouring pixels are alike). */
function encodePng(canvas: Canvas): Buffer {
  const { width, height, pixels } = canvas;
  const raw = Buffer.alloc((width * 3 + 1) * height);
  for (let y = 0; y < height; y++) {
    const row = y * (width * 3 + 1);
    raw[row] = 1;
    for (let i = 0; i < width * 3; i++) {
      const here = pixels[y * width * 3 + i]!;
      const left = i >= 3 ? pixels[y * width * 3 + i - 3]! : 0;
      raw[row + 1 + i] = (here - left) & 0xff;
    }
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bit depth
  header[9] = 2; // colour type: RGB
  return Buffer.concat([PNG_SIGNATURE, pngChunk('IHDR', header), pngChunk('IDAT', deflateSync(raw, { level: 9 })), pngChunk('IEND', new Uint8Array())]);
}

function perfumeBottle(): Canvas {
  const c = new Canvas(320, 400);
  c.background([246, 232, 222], [226, 196, 182]);
  c.ellipse(160, 352, 92, 14, [196, 164, 150]);
  c.roundedRect(88, 150, 232, 350, 26, [214, 120, 140]);
  c.roundedRect(104, 166, 132, 330, 10, [232, 160, 176]);
  c.roundedRect(118, 226, 202, 286, 6, [250, 244, 236]);
  c.roundedRect(138, 110, 182, 152, 4, [200, 170, 90]);
  c.roundedRect(126, 62, 194, 112, 12, [60, 48, 52]);
  return c;
}

function sneaker(): Canvas {
  const c = new Canvas(480, 300);
  c.background([220, 236, 246], [180, 210, 232]);
  c.ellipse(240, 246, 190, 16, [150, 180, 204]);
  c.polygon([[70, 228], [70, 150], [120, 96], [210, 96], [250, 150], [400, 176], [420, 228]], [40, 92, 170]);
  c.roundedRect(60, 214, 430, 242, 12, [250, 250, 250]);
  c.polygon([[130, 110], [200, 110], [230, 150], [150, 150]], [250, 250, 250]);
  for (let i = 0; i < 4; i++) c.roundedRect(150 + i * 22, 120, 160 + i * 22, 170, 3, [230, 200, 60]);
  return c;
}

function coffeeMug(): Canvas {
  const c = new Canvas(360, 360);
  c.background([238, 240, 226], [206, 212, 186]);
  c.ellipse(172, 300, 112, 16, [176, 182, 156]);
  c.ellipse(270, 186, 58, 62, [40, 110, 96]);
  c.ellipse(270, 186, 34, 40, [222, 226, 204]);
  c.roundedRect(72, 96, 262, 300, 18, [40, 110, 96]);
  c.ellipse(167, 100, 95, 16, [72, 50, 40]);
  c.roundedRect(110, 170, 224, 226, 8, [240, 230, 200]);
  return c;
}

export const SAMPLE_IMAGES = [
  { file: 'perfume-bottle.png', draw: perfumeBottle },
  { file: 'sneaker.png', draw: sneaker },
  { file: 'coffee-mug.png', draw: coffeeMug },
] as const;

if (require.main === module) {
  const dir = path.resolve(__dirname, '..', 'samples');
  mkdirSync(dir, { recursive: true });
  for (const { file, draw } of SAMPLE_IMAGES) {
    const png = encodePng(draw());
    writeFileSync(path.join(dir, file), png);
    console.log(`samples/${file}: ${png.length} bytes`);
  }
}
