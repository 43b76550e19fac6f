/**
 * The unfinished-work markers that reviewers' scanners flag: the to-do and fix-me words, the word for a
 * quick workaround (h-a-c-k) and a run of three x, in any letter case, anywhere in a line (also inside a
 * word or inside encoded data).
 * The pattern is assembled from pieces so that this file does not itself contain a marker.
 */
export const UNFINISHED_MARKER: RegExp = new RegExp(
  ['TO' + 'DO', 'FIX' + 'ME', 'X'.repeat(3), 'HA' + 'CK'].join('|'),
  'i',
);
