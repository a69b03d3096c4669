/** Random per-run passwords (crypto), meeting HDInsight's rules: 10+ characters, upper, lower, digit, symbol. */
import { randomBytes, randomInt } from 'node:crypto';

const UPPER = 'ABCDEFGHJKLMNPQRSTUVWXYZ';
const LOWER = 'abcdefghijkmnopqrstuvwxyz';
const DIGITS = '23456789';
// Symbols HDInsight accepts (its rules exclude ' " ` \ and '.') and that need no quoting in JSON or
// a shell word.
const SYMBOLS = '!#%+-=_';

export function generatePassword(length = 28): string {
  const all = UPPER + LOWER + DIGITS + SYMBOLS;
  const chars = [UPPER, LOWER, DIGITS, SYMBOLS].map(pick);
  const bytes = randomBytes(length);
  for (let i = chars.length; i < length; i++) chars.push(all[bytes[i] % all.length]);
  // Shuffle so the required classes are not always in front (Fisher-Yates with crypto randomness).
  for (let i = chars.length - 1; i > 0; i--) {
    const j = randomInt(i + 1);
    [chars[i], chars[j]] = [chars[j], chars[i]];
  }
  return chars.join('');
}

function pick(alphabet: string): string {
  return alphabet[randomInt(alphabet.length)];
}

export interface RunPasswords {
  clusterLoginPassword: string;
  sshPassword: string;
}

export function generateRunPasswords(): RunPasswords {
  return { clusterLoginPassword: generatePassword(), sshPassword: generatePassword() };
}
