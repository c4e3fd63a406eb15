// Public surface of site adaptation: re-fitting the classifier head on a site's labelled cases, measured before it is adopted.
export * from './logisticHead';
export * from './groupedFolds';
export * from './siteAdaptation';
export * from './headFile';
