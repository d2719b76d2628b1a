/**
 * One Socket.IO connection per signed-in tab (api/live/README.md). Screens subscribe to event names; when the feed
 * comes back after a drop, every query is refetched and `onResync` listeners run, so the numbers re-sync with the
 * server instead of trusting the events missed meanwhile.
 */
import { createContext, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { io, type Socket } from 'socket.io-client';
import { useQueryClient } from '@tanstack/react-query';
import { freshAccessToken, refreshSession } from '../api/session';
import type { HelloEvent } from './events';
import { applyRowsDelta, type ClusterRowsDeltaEvent, type ClusterRowsHeld } from './cluster-rows-delta';

export type LiveStatus = 'connecting' | 'connected' | 'reconnecting';
type Handler = (payload: unknown) => void;

/**
 * Events the server sends once on connect and then only on change: the last one is kept and handed to a screen
 * that subscribes later (the wallboard opened after the tab connected).
 */
const STICKY_EVENTS = new Set(['cluster.rows']);

export interface Live {
  status: LiveStatus;
  /** Subscribes to one server event (`agent.state`, `call.bridged`, `metrics`, …); returns the unsubscribe. */
  on(event: string, handler: Handler): () => void;
  /** Runs after the feed reconnected (and queries were invalidated). */
  onResync(handler: () => void): () => void;
  /** The server serves the cluster board to this user (`hello.cluster`): the wallboard shows its Nodes panel. */
  cluster: boolean;
}

const LiveContext = createContext<Live | null>(null);

export function LiveProvider({ children }: { children: ReactNode }) {
  const [status, setStatus] = useState<LiveStatus>('connecting');
  const [cluster, setCluster] = useState(false);
  const handlers = useRef(new Map<string, Set<Handler>>());
  const sticky = useRef(new Map<string, unknown>());
  const resync = useRef(new Set<() => void>());
  const queryClient = useQueryClient();

  useEffect(() => {
    let everConnected = false;
    const socket: Socket = io({
      path: '/socket.io',
      transports: ['websocket'],
      reconnectionDelay: 500,
      reconnectionDelayMax: 3000,
      auth: (cb) => {
        void freshAccessToken().then((token) => cb({ token: token ?? '' }));
      },
    });
    socket.onAny((name: string, data: unknown) => {
      let event = name;
      let payload = data;
      // The other nodes' rows come whole, then as deltas: screens get them whole; a missed delta asks for them again.
      if (event === 'cluster.rows.delta') {
        const held = (sticky.current.get('cluster.rows') as ClusterRowsHeld | undefined) ?? null;
        const next = applyRowsDelta(held, data as ClusterRowsDeltaEvent);
        if (next === null) {
          socket.emit('cluster.rows.sync');
          return;
        }
        event = 'cluster.rows';
        payload = next;
      }
      if (STICKY_EVENTS.has(event)) sticky.current.set(event, payload);
      const set = handlers.current.get(event);
      if (set) for (const h of set) h(payload);
    });
    socket.on('hello', (h: HelloEvent) => setCluster(h.cluster === true));
    socket.on('connect', () => {
      setStatus('connected');
      if (everConnected) {
        void queryClient.invalidateQueries();
        for (const h of resync.current) h();
      }
      everConnected = true;
    });
    socket.on('disconnect', (reason) => {
      setStatus(everConnected ? 'reconnecting' : 'connecting');
      // The server closed it (token expired): reconnect with a fresh token; socket.io does not do it by itself.
      if (reason === 'io server disconnect') setTimeout(() => socket.connect(), 200);
    });
    socket.on('connect_error', (err: Error & { data?: { code?: string } }) => {
      setStatus(everConnected ? 'reconnecting' : 'connecting');
      // Refused by the server's auth middleware: no automatic retry follows, so refresh and try again.
      if (err.data?.code === 'invalid_credentials' || err.data?.code === 'unauthenticated') {
        void refreshSession().then((ok) => ok && setTimeout(() => socket.connect(), 1000));
      }
    });
    return () => {
      socket.removeAllListeners();
      socket.disconnect();
    };
  }, [queryClient]);

  const live = useMemo<Live>(
    () => ({
      status,
      cluster,
      on(event, handler) {
        let set = handlers.current.get(event);
        if (!set) handlers.current.set(event, (set = new Set()));
        set.add(handler);
        if (sticky.current.has(event)) {
          const last = sticky.current.get(event);
          queueMicrotask(() => set.has(handler) && handler(last));
        }
        return () => set.delete(handler);
      },
      onResync(handler) {
        resync.current.add(handler);
        return () => resync.current.delete(handler);
      },
    }),
    [status, cluster],
  );
  return <LiveContext.Provider value={live}>{children}</LiveContext.Provider>;
}

export function useLive(): Live {
  const live = useContext(LiveContext);
  if (!live) throw new Error('useLive outside LiveProvider');
  return live;
}

/** Subscribes a handler for the component's lifetime (the latest handler is always the one called). */
export function useLiveEvent(event: string, handler: Handler): void {
  const live = useLive();
  const ref = useRef(handler);
  ref.current = handler;
  useEffect(() => live.on(event, (p) => ref.current(p)), [live.on, event]);
}
