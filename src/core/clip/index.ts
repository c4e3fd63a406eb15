// Public surface of the clip core: the clip model, even frame sampling and the clip read-out (pure).
export * from './clip';
export * from './clipReadout';
