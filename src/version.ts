/** The toolkit's version, written into every report. */
export const TOOL_VERSION = '0.1.0';
