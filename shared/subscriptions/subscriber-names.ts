// The subscribers other than projections (whose names are PROJECTION_NAMES in
// shared/read-models/read-model-names.ts): sagas and relays, one checkpoint each. A closed set,
// so the `subscriber` label of the subscription metrics stays bounded; a new saga or relay
// adds its name here. The integration feed over the event log (shared/integration/
// event-log.feed.ts) follows it once per consumer group, as `feed-<group>`.
export const FEED_GROUPS = ['notifications'] as const;
export type FeedGroup = (typeof FEED_GROUPS)[number];
export const feedSubscriberName = (group: string): string => `feed-${group}`;

export const SAGA_SUBSCRIBER_NAMES = [
  'hold-expiry',
  'kafka-relay',
  'feed-notifications',
  'fraud-hints',
  'topup-expiry',
] as const;
export type SagaSubscriberName = (typeof SAGA_SUBSCRIBER_NAMES)[number];
