// Runs queries in query runners (child processes), at most `concurrency` at once; a query past its time or memory limit is stopped by ending its runner.
import { type ChildProcess, fork } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { Writer } from 'n3';
import { DEFAULT_LIMITS, type StoreConfig } from '../config.ts';
import type { Graph } from '../rdf/graph.ts';
import type { Done, FailKind, Job, Reply, WorkerInit } from './job.ts';

/*
 * Why runners of their own: Comunica offers no way to cancel a query. Measured with @comunica/query-sparql 5.4 on this graph,
 * a cross product that hits the deadline keeps a core at 100% for as long as it would have run; ending the
 * readers and the sources only shortens that by what is not yet buffered. Ending the runner stops it at once,
 * and keeps a catastrophic REGEX or a crash inside Comunica away from the server. Processes, not worker threads:
 * V8 aborts the whole process when one allocation crosses a heap limit by more than it can collect (a string
 * doubled until it is hundreds of megabytes), and a worker's `resourceLimits` cannot prevent that
 * (nodejs/node#47224); a process of its own loses only itself. (The pool's names still say "thread" for a runner.)
 */

const ENTRY = new URL('./worker-entry.js', import.meta.url);
/** How long a request waits for a free slot before it is told to come back (503 + Retry-After). */
const SLOT_WAIT_MS = 500;
/** Requests that may wait for a slot at once, per slot; beyond that a request is turned away at once. */
const QUEUE_PER_SLOT = 4;
/**
 * The share of the slots one client (one address) may hold at once: half, so that a client flooding the endpoint
 * leaves the other half to everyone else. Requests that name no client (in-process calls) have no share.
 */
export const clientShare = (concurrency: number): number => Math.max(1, Math.floor(concurrency / 2));
/** How long a request that has a slot waits for a thread to start. */
const THREAD_WAIT_MS = 30_000;
/**
 * Runners kept even when idle: one. A query that runs past SPARE_AFTER_MS starts a spare, so that a runaway query
 * leaves the next request waiting for a start only in the moment after it began (a start takes a few hundred ms).
 */
export const MIN_THREADS = 1;
/** How long a query runs before a spare runner is started beside it (see startSpare). */
const SPARE_AFTER_MS = 200;
/** An idle thread beyond the minimum ends after this long. */
const IDLE_RETIRE_MS = 60_000;
/** After a query's deadline, how long its thread may take to say so itself before it is ended anyway. */
const GRACE_MS = 100;
/**
 * Threads that fail to start in a row before the pool stops starting them: a thread that cannot load its data
 * (src/sparql/worker.ts 'failed') would fail the same way again, and a respawn loop burns a core.
 */
export const MAX_START_FAILURES = 3;
/** Once starts are held, one more is tried after this long (a passing fault, such as too many open files, ends). */
const START_RETRY_MS = 60_000;
/**
 * A thread that grew by more than this over what it held once loaded is replaced after its job: WASM memory (an
 * Oxigraph thread's) never shrinks, so one large query would otherwise keep hundreds of megabytes for good.
 */
export const RECYCLE_GROWTH_BYTES = 256 << 20;
/** What the client is told when a runner cannot load the federating engine in time (THREAD_WAIT_MS). */
const FEDERATION_UNAVAILABLE = 'the query service could not start its federating engine in time; try again later';
/** What the client is told when no thread can start: the reason is the operator's (in the log), not the client's. */
const UNAVAILABLE = 'the query service is unavailable: its query threads cannot load the graph; try again later';

export class QueryError extends Error {
  constructor(
    /** busy: no slot or thread now (come back shortly); unavailable: no thread can start (see the log). */
    readonly kind: FailKind | 'busy' | 'unavailable',
    message: string,
    /** For the operator's log, not the client: the remote store's fault with its address. */
    readonly detail?: string,
  ) {
    super(message);
    this.name = 'QueryError';
  }
}

interface Running {
  id: number;
  job: Job;
  /** Whether this is the job's second run, after its first runner ended under it. */
  retried: boolean;
  resolve: (d: Done) => void;
  reject: (e: Error) => void;
  timer: NodeJS.Timeout;
}

/** How often a busy runner's resident memory is read (see Thread.watch). */
const RSS_POLL_MS = 100;

class Thread {
  state: 'starting' | 'idle' | 'busy' | 'gone' = 'starting';
  /** Its resident memory once loaded (bytes; 0 where the system does not tell). */
  baseRss = 0;
  idleSince = 0;
  /** Heap the thread held when it became ready (MiB): its own baseline, whatever the graph's size. */
  baseMb = 0;
  running: Running | undefined;
  /** Its memory once loaded (see RECYCLE_GROWTH_BYTES). */
  baseline = 0;
  constructor(readonly worker: Runner) {}
}

export class QueryPool {
  private readonly threads = new Set<Thread>();
  private readonly waitingForThread: { take: (t: Thread) => void; fail: (e: Error) => void }[] = [];
  private readonly waitingForSlot: { client: string | undefined; grant: () => void }[] = [];
  private slotsInUse = 0;
  /** Slots held, and requests waiting, by client: a client at its share waits for one of its own. */
  private readonly byClient = new Map<string, { running: number; waiting: number }>();
  private readonly share: number;
  private nextId = 1;
  private started = 0;
  private ended = 0;
  private runs = 0;
  private recycled = 0;
  /** Starts that failed since the last thread became ready, the last one's reason and when. */
  private startFailures = 0;
  private startFailure = '';
  private startFailedAt = 0;
  private readonly reaper: NodeJS.Timeout;
  /** Threads kept even when idle (MIN_THREADS); a spare is started once a query runs long (SPARE_AFTER_MS). */
  private readonly minThreads: number;
  private readonly recycleGrowth: number;

  constructor(
    private readonly init: WorkerInit,
    readonly concurrency: number,
    /** Each thread's V8 heap limit, in MiB (Worker resourceLimits): a query past it ends its thread only. */
    readonly memoryMb: number = DEFAULT_LIMITS.threadMemoryMb,
    options: { recycleGrowthBytes?: number } = {},
  ) {
    this.recycleGrowth = options.recycleGrowthBytes ?? RECYCLE_GROWTH_BYTES;
    this.minThreads = Math.min(MIN_THREADS, concurrency);
    this.share = clientShare(concurrency);
    this.spawn();
    this.reaper = setInterval(() => this.retireIdle(), IDLE_RETIRE_MS / 2);
    this.reaper.unref();
  }

  /**
   * Runs `job` for `client` (its address, which may hold only its share of the slots); throws QueryError (busy,
   * timeout, client, internal).
   */
  async run(job: Job, client?: string): Promise<Done> {
    await this.acquireSlot(client);
    try {
      const thread = await this.acquireThread();
      return await this.execute(thread, job);
    } finally {
      this.releaseSlot(client);
    }
  }

  /** Resolves when at least one thread can take a query (for start-up and tests). */
  async ready(): Promise<void> {
    const thread = await this.acquireThread();
    this.release(thread);
  }

  /** Ends every thread. */
  async close(): Promise<void> {
    clearInterval(this.reaper);
    const all = [...this.threads];
    for (const t of all) t.state = 'gone';
    this.threads.clear();
    await Promise.all(all.map((t) => t.worker.terminate()));
  }

  /** Threads by state, and how many were started and ended since the pool began (for tests and operators). */
  stats(): {
    starting: number;
    idle: number;
    busy: number;
    started: number;
    ended: number;
    runs: number;
    slotsInUse: number;
    recycled: number;
    startFailures: number;
  } {
    const count = (state: Thread['state']) => [...this.threads].filter((t) => t.state === state).length;
    return {
      starting: count('starting'),
      idle: count('idle'),
      busy: count('busy'),
      started: this.started,
      ended: this.ended,
      runs: this.runs,
      slotsInUse: this.slotsInUse,
      recycled: this.recycled,
      startFailures: this.startFailures,
    };
  }

  private clientState(client: string): { running: number; waiting: number } {
    let state = this.byClient.get(client);
    if (!state) {
      state = { running: 0, waiting: 0 };
      this.byClient.set(client, state);
    }
    return state;
  }

  /** Whether `client` may take a slot now (it holds less than its share, or names no client). */
  private eligible(client: string | undefined): boolean {
    return client === undefined || (this.byClient.get(client)?.running ?? 0) < this.share;
  }

  private take(client: string | undefined): void {
    this.slotsInUse++;
    if (client !== undefined) this.clientState(client).running++;
  }

  private acquireSlot(client: string | undefined): Promise<void> {
    if (this.slotsInUse < this.concurrency && this.eligible(client)) {
      this.take(client);
      return Promise.resolve();
    }
    const busy = () =>
      new QueryError('busy', `the endpoint is running its limit of ${this.concurrency} queries; try again shortly`);
    if (this.waitingForSlot.length >= this.concurrency * QUEUE_PER_SLOT) return Promise.reject(busy());
    const mine = client === undefined ? undefined : this.clientState(client);
    // A client's own waiting requests are bounded too, so that one flood cannot fill the queue for the others.
    if (mine && mine.waiting >= this.share * QUEUE_PER_SLOT) {
      return Promise.reject(
        new QueryError('busy', `this client is running its share of ${this.share} queries; try again shortly`),
      );
    }
    if (mine) mine.waiting++;
    return new Promise((resolve, reject) => {
      const entry = {
        client,
        grant: () => {
          clearTimeout(timer);
          if (mine) mine.waiting--;
          resolve();
        },
      };
      const timer = setTimeout(() => {
        this.waitingForSlot.splice(this.waitingForSlot.indexOf(entry), 1);
        if (mine) mine.waiting--;
        this.forgetClient(client);
        reject(busy());
      }, SLOT_WAIT_MS);
      this.waitingForSlot.push(entry);
    });
  }

  private releaseSlot(client: string | undefined): void {
    this.slotsInUse--;
    if (client !== undefined) this.clientState(client).running--;
    this.forgetClient(client);
    // The first waiting request whose client is under its share takes the slot; the others keep their place.
    for (;;) {
      if (this.slotsInUse >= this.concurrency) return;
      const at = this.waitingForSlot.findIndex((w) => this.eligible(w.client));
      if (at < 0) return;
      const [next] = this.waitingForSlot.splice(at, 1);
      if (!next) return;
      this.take(next.client);
      next.grant();
    }
  }

  private forgetClient(client: string | undefined): void {
    if (client === undefined) return;
    const state = this.byClient.get(client);
    if (state && state.running === 0 && state.waiting === 0) this.byClient.delete(client);
  }

  private acquireThread(): Promise<Thread> {
    const idle = [...this.threads].find((t) => t.state === 'idle');
    if (idle) {
      idle.state = 'busy';
      this.ensureThreads();
      return Promise.resolve(idle);
    }
    // No thread will come: none runs and none may start.
    if (this.startsHeld() && this.threads.size === 0) return Promise.reject(this.unavailable());
    const taken = new Promise<Thread>((resolve, reject) => {
      const waiting = {
        take: (t: Thread) => {
          clearTimeout(timer);
          resolve(t);
        },
        fail: (e: Error) => {
          clearTimeout(timer);
          reject(e);
        },
      };
      const timer = setTimeout(() => {
        this.waitingForThread.splice(this.waitingForThread.indexOf(waiting), 1);
        reject(new QueryError('busy', 'no query thread became free in time; try again shortly'));
      }, THREAD_WAIT_MS);
      this.waitingForThread.push(waiting);
    });
    this.ensureThreads();
    return taken;
  }

  /** A thread that finished (or started) goes to the first waiting request, or rests. */
  private release(t: Thread): void {
    if (t.state === 'gone') return;
    const next = this.waitingForThread.shift();
    if (next) {
      t.state = 'busy';
      next.take(t);
      return;
    }
    t.state = 'idle';
    t.idleSince = Date.now();
    t.worker.unref();
  }

  /**
   * Starts threads for the requests waiting, and up to the minimum, never more than `concurrency` in all. The
   * minimum waits until no other thread is starting: two starts at once only slow each other.
   */
  private ensureThreads(): void {
    if (this.startsHeld()) return;
    const list = [...this.threads];
    const starting = list.filter((t) => t.state === 'starting').length;
    const idle = list.filter((t) => t.state === 'idle').length;
    let wanted = Math.max(0, this.waitingForThread.length - starting - idle);
    if (wanted === 0 && starting === 0) wanted = Math.max(0, this.minThreads - list.length);
    for (let i = 0; i < wanted && this.threads.size < this.concurrency; i++) this.spawn();
  }

  /**
   * A spare, started when a query has run SPARE_AFTER_MS and none is idle or starting, so that the next request
   * does not wait for a start behind a long query. Queries of a few milliseconds (nearly all) never start one:
   * an idle runner costs some 80 MB resident.
   */
  private startSpare(): void {
    if (this.startsHeld() || this.threads.size >= this.concurrency) return;
    const list = [...this.threads];
    if (!list.some((t) => t.state === 'busy') || list.some((t) => t.state === 'idle' || t.state === 'starting')) return;
    this.spawn();
  }

  private spawn(): void {
    const kind = this.init.store?.kind ?? 'memory';
    const worker = new Runner(kind, this.memoryMb, this.init.dump?.fd);
    this.started++;
    worker.unref();
    const t = new Thread(worker);
    this.threads.add(t);
    worker.on('message', (m: Reply) => this.onMessage(t, m));
    worker.on('error', (e) => this.onGone(t, e));
    worker.on('exit', (code, oom) => this.onGone(t, new Error(`query runner exited with code ${code}`), oom, worker));
    worker.postMessage({ type: 'load', init: this.init });
  }

  private execute(t: Thread, job: Job, retried = false): Promise<Done> {
    return new Promise((resolve, reject) => {
      const id = this.nextId++;
      const timer = this.deadline(t, job.timeoutMs + GRACE_MS, () =>
        reject(new QueryError('timeout', stoppedMessage(job.timeoutMs))),
      );
      t.running = { id, job, retried, resolve, reject, timer };
      this.watch(t, t.running);
      const running = t.running;
      // This job still running then, not whichever the runner took since.
      setTimeout(() => t.running === running && this.startSpare(), SPARE_AFTER_MS).unref();
      this.runs++;
      t.worker.ref();
      t.worker.postMessage({ id, job });
    });
  }

  /**
   * Ends `t` when its resident memory grows past the memory limit during `running`. The V8 heap limit does not
   * cover Oxigraph's WASM memory, where a query runs to its end without a pause in which the runner could look
   * (a string doubled 27 times takes gigabytes there): the pool reads the runner's RSS from outside instead.
   */
  private watch(t: Thread, running: Running): void {
    if (!t.baseRss) return;
    const limit = t.baseRss + this.memoryMb * 2 ** 20;
    const poll = setInterval(() => {
      if (t.running !== running || t.state === 'gone') {
        clearInterval(poll);
        return;
      }
      if ((t.worker.rss() ?? 0) <= limit) return;
      clearInterval(poll);
      clearTimeout(running.timer);
      t.running = undefined;
      running.reject(new QueryError('memory', memoryMessage(this.memoryMb)));
      this.kill(t);
    }, RSS_POLL_MS);
    poll.unref();
  }

  /** Ends `t` (and tells its job why) unless it answers within `ms`. */
  private deadline(t: Thread, ms: number, expired: () => void): NodeJS.Timeout {
    return setTimeout(() => {
      t.running = undefined;
      expired();
      this.kill(t);
    }, ms);
  }

  /**
   * A runner loading Comunica for its first SERVICE query: the load (seconds on a busy machine) is bounded as a
   * start is, then the query gets its whole time limit; what the runner holds once loaded is its new baseline.
   */
  private federating(t: Thread, m: Extract<Reply, { type: 'federating' }>): void {
    const running = t.running;
    if (!running || running.id !== m.id) return;
    clearTimeout(running.timer);
    if (m.loaded) {
      t.baseMb = m.heapMb;
      t.baseline = m.memory;
      t.baseRss = t.worker.rss() ?? 0;
      running.timer = this.deadline(t, running.job.timeoutMs + GRACE_MS, () =>
        running.reject(new QueryError('timeout', stoppedMessage(running.job.timeoutMs))),
      );
    } else {
      running.timer = this.deadline(t, THREAD_WAIT_MS, () =>
        running.reject(new QueryError('unavailable', FEDERATION_UNAVAILABLE)),
      );
    }
  }

  private onMessage(t: Thread, m: Reply): void {
    if (m.type === 'federating') {
      this.federating(t, m);
      return;
    }
    if (m.type === 'ready') {
      if (this.startFailures > 0) console.error('npcsc-kg: a query thread started again');
      this.startFailures = 0;
      t.baseMb = m.heapMb;
      t.baseline = m.memory ?? 0;
      t.baseRss = t.worker.rss() ?? 0;
      this.release(t);
      this.ensureThreads();
      return;
    }
    if (m.type === 'failed') {
      this.startFailed(t, m.reason);
      return;
    }
    const running = t.running;
    if (!running || running.id !== m.id) return;
    clearTimeout(running.timer);
    t.running = undefined;
    // A query that left its thread's heap grown by a quarter of the limit (garbage V8 keeps, or caches it filled),
    // or its WASM memory (an Oxigraph thread's, which never shrinks) by more than recycleGrowth, costs the process
    // that memory until the thread ends: end it now, answer first, and start a fresh one (a minimum thread too).
    const grown =
      m.heapMb - t.baseMb > this.memoryMb / 4 ||
      (m.memory !== undefined && t.baseline > 0 && m.memory - t.baseline > this.recycleGrowth);
    if (grown) {
      this.forget(t);
      this.recycled++;
    }
    if (m.type === 'done') {
      running.resolve({
        body: m.body,
        truncated: m.truncated,
        count: m.count,
        ...(m.cutBy ? { cutBy: m.cutBy } : {}),
      });
      if (grown) this.replace(t);
      else this.release(t);
    } else if (m.kind === 'timeout') {
      // The engine goes on computing after its own deadline: only ending the thread stops it.
      running.reject(new QueryError('timeout', m.message));
      if (grown) this.replace(t);
      else this.kill(t);
    } else {
      running.reject(new QueryError(m.kind, m.message, m.detail));
      if (grown) this.replace(t);
      else this.release(t);
    }
  }

  /** Holds further starts after MAX_START_FAILURES in a row, until START_RETRY_MS after the last one. */
  private startsHeld(): boolean {
    return this.startFailures >= MAX_START_FAILURES && Date.now() - this.startFailedAt < START_RETRY_MS;
  }

  private unavailable(): QueryError {
    return new QueryError('unavailable', UNAVAILABLE, this.startFailure);
  }

  /** A thread that could not load its data: logged with the reason, ended, and started again only within bounds. */
  private startFailed(t: Thread, reason: string): void {
    if (t.state === 'gone') return;
    this.forget(t);
    t.worker.terminate().catch(() => {});
    this.startFailures++;
    this.startFailure = reason;
    this.startFailedAt = Date.now();
    const held = this.startsHeld();
    console.error(
      `npcsc-kg: a query thread could not start (${this.startFailures} in a row): ${reason}${
        held ? `; no further thread is started for ${START_RETRY_MS / 1000} s, and SPARQL answers 503 without one` : ''
      }`,
    );
    if (held && this.threads.size === 0) {
      for (const waiting of this.waitingForThread.splice(0)) waiting.fail(this.unavailable());
    }
    this.ensureThreads();
  }

  private onGone(t: Thread, error: Error, oom = false, runner?: Runner): void {
    if (t.state === 'gone') return;
    const trace = runner?.stderr ? `: ${runner.stderr.split('\n').slice(-5).join(' | ')}` : '';
    if (t.state === 'starting') {
      this.startFailed(t, `${error.message}${trace}`);
      return;
    }
    this.forget(t);
    if (t.running) {
      clearTimeout(t.running.timer);
      const running = t.running;
      t.running = undefined;
      // A runner past its heap limit (V8 aborts it): the query's fault, told as a limit, like the time one.
      if (oom) running.reject(new QueryError('memory', memoryMessage(this.memoryMb)));
      else if (!running.retried) {
        // Ended under a query for another reason: an engine error nobody listened for, often left by the query
        // before (an iterator failing after its answer was sent), or a kill from outside. Queries only read, so
        // the job runs once more on another runner; a second loss is ours, and a 500.
        console.warn(`npcsc-kg: a query runner ended during a query (${error.message}${trace}); running it again`);
        this.acquireThread()
          .then((other) => this.execute(other, running.job, true))
          .then(running.resolve, running.reject);
      } else running.reject(new QueryError('internal', `${error.message}${trace}`));
    }
    this.ensureThreads();
  }

  /** Ends a thread already forgotten (grown too big) and starts what the pool needs instead. */
  private replace(t: Thread): void {
    t.worker.terminate().catch(() => {});
    this.ensureThreads();
  }

  private kill(t: Thread): void {
    if (t.state === 'gone') return;
    this.forget(t);
    t.worker.terminate().catch(() => {});
    this.ensureThreads();
  }

  private forget(t: Thread): void {
    t.state = 'gone';
    this.threads.delete(t);
    this.ended++;
  }

  private retireIdle(): void {
    const cutoff = Date.now() - IDLE_RETIRE_MS;
    for (const t of this.threads) {
      if (this.threads.size <= this.minThreads) break;
      if (t.state === 'idle' && t.idleSince < cutoff) {
        this.forget(t);
        t.worker.terminate().catch(() => {});
      }
    }
  }
}

export const stoppedMessage = (ms: number): string =>
  `query exceeded the execution time limit of ${ms} ms and was stopped`;

export const memoryMessage = (mb: number): string =>
  `query exceeded the memory limit of ${mb} MiB per query and was stopped`;

/** How much of a runner's stderr is kept, for the log when it dies of something other than its memory limit. */
const STDERR_TAIL = 8 << 10;

/**
 * A query runner: a child process, not a worker thread. V8 aborts the whole process when one allocation crosses a
 * heap limit by more than a few megabytes (a string doubled until it is hundreds of megabytes, say), and a worker's
 * `resourceLimits` cannot prevent that (nodejs/node#47224): in a process of its own, such a query ends its runner
 * only. The API is the part of a Worker's the pool uses. Only a runner over `--store comunica` loads and warms
 * Comunica as it boots (some 50 MB and a second or two); on the default store a runner loads it with the first
 * SERVICE query (src/store/embedded.ts), and over Oxigraph alone or a remote store never.
 */
class Runner {
  private readonly child: ChildProcess;
  private tail = '';
  private onExit: ((code: number | null, oom: boolean) => void)[] = [];
  constructor(kind: StoreConfig['kind'], memoryMb: number, dumpFd?: number) {
    this.child = fork(ENTRY, [kind === 'comunica' ? 'comunica' : 'no-comunica'], {
      // Its own heap limit, and nothing of the parent's flags (a test runner's or a debugger's).
      execArgv: [`--max-old-space-size=${memoryMb}`, '--max-semi-space-size=2', '--expose-gc'],
      // The verified dump (an open, unlinked copy) is inherited as descriptor DUMP_FD: no path, no /proc, nothing
      // another process can remove; the runner hashes the bytes again as it reads them.
      stdio: ['ignore', 'ignore', 'pipe', 'ipc', ...(dumpFd === undefined ? [] : [dumpFd])],
      serialization: 'advanced',
    });
    this.child.stderr?.setEncoding('utf8');
    this.child.stderr?.on('data', (d: string) => {
      this.tail = (this.tail + d).slice(-STDERR_TAIL);
    });
    // The pipe is a socket: unreferenced, it does not keep an idle process alive (the channel is handled in unref()).
    (this.child.stderr as unknown as { unref?: () => void } | null)?.unref?.();
    // 'close', not 'exit': the stderr that says why (V8's own words at its heap limit) has been read by then. Only
    // those words make it the query's memory limit; any other end (an abort of ours) is a fault, logged as one.
    this.child.on('close', (code, signal) => {
      const oom = /heap out of memory|Reached heap limit/.test(this.tail);
      for (const f of this.onExit.splice(0)) f(code ?? (signal ? 128 : null), oom);
    });
  }
  on(event: 'message', f: (m: Reply) => void): void;
  on(event: 'error', f: (e: Error) => void): void;
  on(event: 'exit', f: (code: number | null, oom: boolean) => void): void;
  on(event: string, f: (...a: never[]) => void): void {
    if (event === 'exit') this.onExit.push(f as (code: number | null, oom: boolean) => void);
    else this.child.on(event, f as (...a: unknown[]) => void);
  }
  /** Its resident memory in bytes, read from /proc (Linux); undefined elsewhere or once it has ended. */
  rss(): number | undefined {
    try {
      const kb = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${this.child.pid}/status`, 'utf8'))?.[1];
      return kb === undefined ? undefined : Number(kb) * 1024;
    } catch {
      return undefined;
    }
  }
  /** What the runner last wrote to stderr (its own fault's trace), for the operator's log. */
  get stderr(): string {
    return this.tail.trim();
  }
  postMessage(m: unknown): void {
    if (this.child.connected) this.child.send(m as never);
  }
  ref(): void {
    this.child.ref();
    (this.child.channel as { ref?: () => void } | undefined)?.ref?.();
  }
  unref(): void {
    this.child.unref();
    (this.child.channel as { unref?: () => void } | undefined)?.unref?.();
  }
  terminate(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return Promise.resolve();
    return new Promise((resolve) => {
      this.child.once('exit', () => resolve());
      this.child.kill('SIGKILL');
    });
  }
}

const pools = new WeakMap<Graph, Map<string, QueryPool>>();

/**
 * Threads an Oxigraph pool runs at most: each holds its own copy of the store in WASM memory (about 400 MB at
 * 1M triples), and Oxigraph answers in milliseconds where Comunica takes seconds, so two serve as many.
 */
export const OXIGRAPH_THREADS = 2;

/**
 * The pool for `graph` with `concurrency` slots and the configured store, shared by every app serving that same
 * Graph. A thread reads the Graph's verified dump itself when there is one (no serialized copy per thread; never
 * the build cache's file, which another process may change or remove), or holds no data at all when a remote
 * store answers.
 */
export function poolFor(
  graph: Graph,
  concurrency: number,
  store: StoreConfig = { kind: 'memory' },
  memoryMb: number = DEFAULT_LIMITS.threadMemoryMb,
): QueryPool {
  let byConcurrency = pools.get(graph);
  if (!byConcurrency) {
    byConcurrency = new Map();
    pools.set(graph, byConcurrency);
  }
  const slots = store.kind === 'oxigraph' ? Math.min(concurrency, OXIGRAPH_THREADS) : concurrency;
  const key = `${slots} ${memoryMb} ${JSON.stringify(store)}`;
  let pool = byConcurrency.get(key);
  if (!pool) {
    const fromDump = store.kind === 'sparql' || graph.dump !== undefined;
    const nquads = fromDump
      ? ''
      : new Writer({ format: 'N-Quads' }).quadsToString(graph.store.getQuads(null, null, null, null));
    // A query thread never loads: the loader's account stays in this thread. Over a remote store, each query
    // is answered only while the store's graph is this build's.
    const threadStore = store.kind === 'sparql' ? { ...store, credentials: undefined } : store;
    const expected = store.kind === 'sparql' ? { hash: graph.hash, triples: graph.counts.total } : undefined;
    pool = new QueryPool(
      {
        nquads,
        dump: graph.dump,
        store: threadStore,
        expected,
        prefixes: graph.prefixes,
        context: graph.context,
        base: graph.base,
      },
      slots,
      memoryMb,
    );
    byConcurrency.set(key, pool);
  }
  return pool;
}
