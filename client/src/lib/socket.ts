import { useSyncExternalStore } from 'react';
import type { Socket } from 'socket.io-client';
import type {
  AuditChangedEvent,
  AuditCriticalEvent,
  ClientToServerEvents,
  ServerToClientEvents,
  SessionEndedEvent,
  TaskChangedEvent,
} from '../../../server/contracts/realtime.ts';
import type { CongestionModeDto } from '../../../server/contracts/congestion.ts';
import type { LiveStats, NurseLiveStats } from '../../../server/contracts/stats.ts';

export type ConnectionState = 'offline' | 'connecting' | 'connected';

export interface RealtimeHandlers {
  /** The server ended this session (logout elsewhere, deactivation, password change). */
  onSessionEnded(event: SessionEndedEvent): void;
  /** The user's role or name changed: reload the user, then call reconnectIfStale(). */
  onSessionChanged(): void;
  /** The server closed or refused the socket: the session may have ended; the app should check. */
  onSessionInDoubt(): void;
}

type AppSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

const RETRY_AFTER_REFUSAL_MS = 5_000;

let socket: AppSocket | null = null;
/** Counts connects and disconnects: a connect whose client code arrives after a newer call gives up. */
let generation = 0;
let state: ConnectionState = 'offline';
let retryTimer: ReturnType<typeof setTimeout> | undefined;
/** Set by session:changed, cleared by a new connection: the rooms of this connection are out of date. */
let stale = false;
const listeners = new Set<() => void>();
const taskChangedListeners = new Set<(event: TaskChangedEvent) => void>();
const connectedListeners = new Set<() => void>();
const statsListeners = new Set<(stats: LiveStats | NurseLiveStats) => void>();
const auditChangedListeners = new Set<(event: AuditChangedEvent) => void>();
const auditCriticalListeners = new Set<(event: AuditCriticalEvent) => void>();
const congestionListeners = new Set<(mode: CongestionModeDto) => void>();

function setState(next: ConnectionState): void {
  if (next === state) return;
  state = next;
  for (const listener of listeners) listener();
}

/**
 * Opens the Socket.IO connection for the logged-in user (the session cookie authenticates it) and
 * keeps it open: socket.io retries transport failures itself, and this module retries after the
 * server closed or refused the socket. Calling it again replaces the previous connection.
 * The Socket.IO client is fetched here, on the first connect: the login page never loads it.
 */
export function connectRealtime(handlers: RealtimeHandlers): void {
  disconnectRealtime();
  const mine = generation;
  setState('connecting');
  import('socket.io-client').then(
    ({ io }) => {
      if (mine === generation) open(io({ withCredentials: true }), handlers);
    },
    () => {
      if (mine !== generation) return;
      setState('offline');
      retryTimer = setTimeout(() => connectRealtime(handlers), RETRY_AFTER_REFUSAL_MS);
    },
  );
}

function open(s: AppSocket, handlers: RealtimeHandlers): void {
  socket = s;
  s.on('connect', () => {
    stale = false;
    setState('connected');
    for (const listener of connectedListeners) listener();
  });
  s.on('task:changed', (event) => {
    for (const listener of taskChangedListeners) listener(event);
  });
  s.on('stats:update', (stats) => {
    for (const listener of statsListeners) listener(stats);
  });
  s.on('audit:changed', (event) => {
    for (const listener of auditChangedListeners) listener(event);
  });
  s.on('audit:critical', (event) => {
    for (const listener of auditCriticalListeners) listener(event);
  });
  s.on('congestion:changed', (mode) => {
    for (const listener of congestionListeners) listener(mode);
  });
  s.io.on('reconnect_attempt', () => setState('connecting'));
  s.on('disconnect', (reason) => {
    if (s.active) {
      setState('connecting');
      return;
    }
    if (reason === 'io server disconnect') {
      // The server closes sockets when the session ends or the user changes: rejoin at once;
      // a dead session is refused at the handshake and the app hears about it.
      handlers.onSessionInDoubt();
      setState('connecting');
      s.connect();
      return;
    }
    setState('offline');
  });
  s.on('connect_error', (err) => {
    if (s.active) {
      setState('connecting'); // a transport failure: socket.io retries by itself
      return;
    }
    setState('offline');
    if (err.message === 'UNAUTHENTICATED') handlers.onSessionInDoubt();
    clearTimeout(retryTimer);
    retryTimer = setTimeout(() => {
      if (socket !== s) return;
      setState('connecting');
      s.connect();
    }, RETRY_AFTER_REFUSAL_MS);
  });
  s.on('session:ended', (event) => handlers.onSessionEnded(event));
  s.on('session:changed', () => {
    stale = true;
    handlers.onSessionChanged();
  });
}

/** Reconnects when no new connection was made since the last session:changed, so the server joins the right rooms. */
export function reconnectIfStale(): void {
  const s = socket;
  if (!s || !stale) return;
  stale = false;
  clearTimeout(retryTimer);
  s.disconnect();
  setState('connecting');
  s.connect();
}

export function disconnectRealtime(): void {
  generation++;
  clearTimeout(retryTimer);
  stale = false;
  const s = socket;
  socket = null;
  if (s) {
    s.removeAllListeners();
    s.io.removeAllListeners();
    s.disconnect();
  }
  setState('offline');
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

function getState(): ConnectionState {
  return state;
}

/** Calls `listener` with every task:changed event of the current connection; returns the unsubscribe. */
export function subscribeTaskChanged(listener: (event: TaskChangedEvent) => void): () => void {
  taskChangedListeners.add(listener);
  return () => taskChangedListeners.delete(listener);
}

/** Calls `listener` with every stats:update of the current connection (full figures for shift leaders); returns the unsubscribe. */
export function subscribeStats(listener: (stats: LiveStats | NurseLiveStats) => void): () => void {
  statsListeners.add(listener);
  return () => statsListeners.delete(listener);
}

/** Calls `listener` with every audit:changed (reviews this user may see); returns the unsubscribe. */
export function subscribeAuditChanged(listener: (event: AuditChangedEvent) => void): () => void {
  auditChangedListeners.add(listener);
  return () => auditChangedListeners.delete(listener);
}

/** Calls `listener` with every audit:critical (a review found a critical deviation); returns the unsubscribe. */
export function subscribeAuditCritical(listener: (event: AuditCriticalEvent) => void): () => void {
  auditCriticalListeners.add(listener);
  return () => auditCriticalListeners.delete(listener);
}

/** Calls `listener` with every congestion:changed (a shift leader switched congestion mode); returns the unsubscribe. */
export function subscribeCongestion(listener: (mode: CongestionModeDto) => void): () => void {
  congestionListeners.add(listener);
  return () => congestionListeners.delete(listener);
}

/** Calls `listener` after every (re)connect, when events may have been missed; returns the unsubscribe. */
export function subscribeConnected(listener: () => void): () => void {
  connectedListeners.add(listener);
  return () => connectedListeners.delete(listener);
}

/** The realtime connection's state; the component re-renders when it changes. */
export function useConnectionState(): ConnectionState {
  return useSyncExternalStore(subscribe, getState);
}
