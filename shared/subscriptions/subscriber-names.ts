// The subscribers other than projections (whose names are PROJECTION_NAMES in
// shared/read-models/read-model-names.ts): sagas and relays, one checkpoint each. A closed set,
// so the `subscriber` label of the subscription metrics stays bounded; a new saga or relay
// adds its name here.
export const SAGA_SUBSCRIBER_NAMES = ['hold-expiry', 'topup-expiry'] as const;
export type SagaSubscriberName = (typeof SAGA_SUBSCRIBER_NAMES)[number];
