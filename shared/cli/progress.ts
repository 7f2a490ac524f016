// Progress of a long CLI run, on stderr only (stdout is the result). On a terminal it is a
// cli-progress bar; otherwise (CI logs, pipes) a plain line at most every few seconds, so a
// log file shows the run is alive without filling up with carriage returns.
import { SingleBar } from 'cli-progress';

export const PROGRESS_LINE_INTERVAL_MS = 2_000;

export interface Progress {
  update(done: number, total: number): void;
  stop(): void;
}

export function createProgress(
  label: string,
  unit: string,
  stream: NodeJS.WriteStream = process.stderr,
): Progress {
  return stream.isTTY ? barProgress(label, unit, stream) : lineProgress(label, unit, stream);
}

function barProgress(label: string, unit: string, stream: NodeJS.WriteStream): Progress {
  const bar = new SingleBar({
    stream,
    format: `${label} [{bar}] {percentage}% | {value}/{total} ${unit} | ETA {eta_formatted}`,
    hideCursor: true,
    clearOnComplete: false,
  });
  let started = false;
  return {
    update(done, total) {
      if (!started) {
        bar.start(total, done);
        started = true;
      } else {
        bar.setTotal(total);
        bar.update(done);
      }
    },
    stop() {
      if (started) bar.stop();
    },
  };
}

function lineProgress(label: string, unit: string, stream: NodeJS.WriteStream): Progress {
  let lastWrittenMs = Date.now();
  return {
    update(done, total) {
      const nowMs = Date.now();
      if (nowMs - lastWrittenMs < PROGRESS_LINE_INTERVAL_MS) return;
      lastWrittenMs = nowMs;
      const percent = total > 0 ? Math.floor((done * 100) / total) : 100;
      stream.write(`${label}: ${done}/${total} ${unit} (${percent}%)\n`);
    },
    stop() {},
  };
}
