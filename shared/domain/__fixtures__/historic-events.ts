// Every superseded event schema version keeps one stored example here (docs/style.md, "Events and
// their versions"); the codec test upcasts each to the latest version, and fails if a historic
// version has none.
import holdPlacedV1 from './hold-placed.v1.json';
import userPasswordChangedV1 from './user-password-changed.v1.json';
import userRegisteredV1 from './user-registered.v1.json';
import walletOpenedV1 from './wallet-opened.v1.json';

export const HISTORIC_EVENT_FIXTURES: readonly Readonly<{
  type: string;
  schemaVersion: number;
  data: unknown;
}>[] = [walletOpenedV1, userRegisteredV1, userPasswordChangedV1, holdPlacedV1];
