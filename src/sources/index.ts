// Public surface of the sources stage (browser side): decoding files into frames and naming bad input.
export * from './inputProblem';
export * from './sniff';
export * from './decodeBrowser';
export * from './folder';
export * from './folderLabels';
export * from './captureDevice';
export * from './clipKind';
export * from './clipBrowser';
