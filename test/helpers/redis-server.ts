/**
 * A real `redis-server` for the distributed tests: started on 127.0.0.1 at a free port in a
 * temporary folder (optionally with AOF persistence, `appendfsync always`), stopped at the end.
 * No mock and no other address than loopback.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { createConnection, createServer } from 'node:net';

/** Why redis-server cannot run here, or undefined when it can. */
export function redisUnavailableReason(): string | undefined {
  try {
    execFileSync('redis-server', ['--version'], { stdio: 'ignore' });
    return undefined;
  } catch {
    return 'redis-server is not installed (Debian package redis-server)';
  }
}

/** A free TCP port on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const srv = createServer();
    srv.on('error', fail);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => done(port));
    });
  });
}

function ping(port: number): Promise<boolean> {
  return new Promise((done) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    let reply = '';
    socket.setTimeout(500, () => {
      socket.destroy();
      done(false);
    });
    socket.on('connect', () => socket.write('PING\r\n'));
    socket.on('data', (d) => {
      reply += d;
      if (reply.includes('\r\n')) {
        socket.end();
        done(reply.startsWith('+PONG'));
      }
    });
    socket.on('error', () => done(false));
  });
}

export interface RedisServer {
  readonly port: number;
  readonly url: string;
  /** Stops with SIGKILL (no save on exit: only what AOF already holds survives). */
  kill(): Promise<void>;
  /** Starts again on the same port and folder (AOF reloaded when enabled). */
  restart(): Promise<void>;
  /** Stops for good. */
  stop(): Promise<void>;
}

/** Starts redis-server on 127.0.0.1 at a free port, data in `dir`. */
export async function startRedis(dir: string, options: { aof?: boolean } = {}): Promise<RedisServer> {
  const port = await freePort();
  let child: ChildProcess | null = null;
  const launch = async () => {
    const args = ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', ''];
    if (options.aof) args.push('--appendonly', 'yes', '--appendfsync', 'always');
    child = spawn('redis-server', args, { stdio: 'ignore' });
    const started = Date.now();
    while (!(await ping(port))) {
      if (Date.now() - started > 10_000) throw new Error(`redis-server did not answer on 127.0.0.1:${port}`);
      await new Promise((r) => setTimeout(r, 30));
    }
  };
  const kill = async () => {
    const c = child;
    child = null;
    if (!c || c.exitCode !== null) return;
    await new Promise<void>((done) => {
      c.once('exit', () => done());
      c.kill('SIGKILL');
    });
  };
  await launch();
  return { port, url: `redis://127.0.0.1:${port}`, kill, restart: launch, stop: kill };
}
