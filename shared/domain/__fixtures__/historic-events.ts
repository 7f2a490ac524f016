// Every superseded event schema version keeps one stored example here (STYLE.md §4); the
// codec test upcasts each to the latest version, and fails if a historic version has none.
import walletOpenedV1 from './wallet-opened.v1.json';

export const HISTORIC_EVENT_FIXTURES: readonly Readonly<{
  type: string;
  schemaVersion: number;
  data: unknown;
}>[] = [walletOpenedV1];
