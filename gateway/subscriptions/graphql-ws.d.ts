// graphql-ws publishes its WebSocket server under package "exports" only, which this project's
// module resolution ("node") does not read; Node itself resolves the subpath at run time.
declare module 'graphql-ws/use/ws' {
  export * from 'graphql-ws/dist/use/ws.cjs';
}
