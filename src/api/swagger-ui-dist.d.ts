/** swagger-ui-dist ships no types; /docs uses only the folder of its files. */
declare module 'swagger-ui-dist' {
  export function getAbsoluteFSPath(): string;
}
