/// <reference types="vite/client" />

interface ImportMetaEnv {
  readonly VITE_API_URL?: string;
}

interface ImportMeta {
  readonly env: ImportMetaEnv;
}

interface Window {
  /** Set by /config.js at serve time, so one build can point at any API. */
  __HOTSEAT_API__?: string;
  /** Set by the local stack's /config.js only: where the mail it did not send can be read (the local outbox). */
  __HOTSEAT_LOCAL_OUTBOX__?: string;
}
