// Preact with htm: components written as tagged templates, no JSX build step.
import { h } from "preact";
import htm from "htm";

export const html = htm.bind(h);
export { render } from "preact";
export { useCallback, useEffect, useMemo, useRef, useState } from "preact/hooks";
