/**
 * The cluster board (#18): the `/cluster` namespace of the live feed's own connection (socket.io-client multiplexes
 * it on the same WebSocket), same access token. Only opened when `hello.cluster` said the server serves it to this
 * user. Returns the last board, or null before the first; a node going down arrives as the next board.
 */
import { useEffect, useState } from 'react';
import { io } from 'socket.io-client';
import { freshAccessToken, refreshSession } from '../api/session';
import type { ClusterBoardEvent } from './events';

export function useClusterBoard(enabled: boolean): ClusterBoardEvent | null {
  const [board, setBoard] = useState<ClusterBoardEvent | null>(null);
  useEffect(() => {
    if (!enabled) {
      setBoard(null);
      return;
    }
    const socket = io('/cluster', {
      path: '/socket.io',
      transports: ['websocket'],
      reconnectionDelay: 500,
      reconnectionDelayMax: 3000,
      auth: (cb) => {
        void freshAccessToken().then((token) => cb({ token: token ?? '' }));
      },
    });
    socket.on('cluster', (b: ClusterBoardEvent) => setBoard(b));
    socket.on('disconnect', (reason) => {
      // The server cut it (token expired, session revoked, role changed): try again with a fresh token; a revoked
      // session or a role that may no longer see the board is then refused and the panel keeps its last board.
      if (reason === 'io server disconnect') setTimeout(() => socket.connect(), 200);
    });
    socket.on('connect_error', (err: Error & { data?: { code?: string } }) => {
      if (err.data?.code === 'invalid_credentials' || err.data?.code === 'unauthenticated') {
        void refreshSession().then((ok) => ok && setTimeout(() => socket.connect(), 1000));
      }
      if (err.data?.code === 'forbidden') setBoard(null);
    });
    return () => {
      socket.removeAllListeners();
      socket.disconnect();
    };
  }, [enabled]);
  return board;
}
