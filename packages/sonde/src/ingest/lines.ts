// Splits streamed text into numbered lines (\n or \r\n), for the line-based
// import formats that do not have a parser of their own that streams.

export type LineHandler = (line: string, lineNo: number) => void;

export class LineSplitter {
  private rest = '';
  private lineNo = 0;

  constructor(private readonly onLine: LineHandler) {}

  write(chunk: string): void {
    let start = 0;
    const text = chunk;
    if (this.rest) {
      const nl = chunk.indexOf('\n');
      if (nl < 0) {
        this.rest += chunk;
        return;
      }
      this.emit(this.rest + chunk.slice(0, nl));
      this.rest = '';
      start = nl + 1;
    }
    for (;;) {
      const nl = text.indexOf('\n', start);
      if (nl < 0) break;
      this.emit(text.slice(start, nl));
      start = nl + 1;
    }
    if (start < text.length) this.rest = text.slice(start);
  }

  end(): void {
    if (this.rest) this.emit(this.rest);
    this.rest = '';
  }

  private emit(line: string): void {
    this.lineNo++;
    this.onLine(line.endsWith('\r') ? line.slice(0, -1) : line, this.lineNo);
  }
}
