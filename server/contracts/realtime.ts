// The Socket.IO contract: both the server and the client import these types. Event names are resource:verb.

export interface SessionEndedEvent {
  reason: 'logout' | 'deactivated' | 'password_changed';
}

export interface ServerToClientEvents {
  /** This session was ended elsewhere: the client shows the login page. */
  'session:ended': (event: SessionEndedEvent) => void;
  /** The user's role or name changed: the client reloads /api/auth/me and reconnects. */
  'session:changed': (event: Record<string, never>) => void;
}

// eslint-style empty interface kept so later events (acks) have their home.
export interface ClientToServerEvents {
  'presence:ping': (ack: (reply: { data: { at: string } }) => void) => void;
}
