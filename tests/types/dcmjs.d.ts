// The small part of dcmjs (no bundled types) that the tests use to write DICOM fixtures.
declare module 'dcmjs' {
  interface DicomDictInstance {
    dict: Record<string, { vr: string; Value: unknown[] }>;
    write(options?: { fragmentMultiframe?: boolean; allowInvalidVRLength?: boolean }): ArrayBuffer;
  }
  const dcmjs: {
    data: {
      DicomDict: new (meta: Record<string, { vr: string; Value: unknown[] }>) => DicomDictInstance;
      DicomMetaDictionary: {
        denaturalizeDataset(
          dataset: Record<string, unknown>,
        ): Record<string, { vr: string; Value: unknown[] }>;
        uid(): string;
      };
    };
  };
  export default dcmjs;
}
