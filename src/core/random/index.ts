// Public surface of the one seeded generator (bootstrap intervals, test frames, the fixture model's weights).
export * from './seededRandom';
