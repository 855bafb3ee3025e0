/**
 * Passwords people choose most often (from published breach-frequency lists), compared case-insensitively. Short
 * on purpose: length (12+) does most of the work; this catches the long-but-famous ones.
 */
export const COMMON_PASSWORDS: ReadonlySet<string> = new Set([
  "123456789012", "1234567890123", "12345678901234", "qwertyuiop123", "qwertyuiopasdf", "password1234", "password12345",
  "password123456", "passwordpassword", "iloveyou1234", "welcome12345", "letmein12345", "administrator", "adminadmin123",
  "changeme1234", "trustno1trustno1", "football12345", "baseball12345", "superman1234", "sunshine1234", "princess1234",
  "starwars1234", "qwerty123456", "abcdefghijkl", "abc123abc123", "aaaaaaaaaaaa", "111111111111", "000000000000",
  "monkey123456", "dragon123456", "master123456", "shadow123456", "michael12345", "jennifer1234", "whatever1234",
  "portico12345", "veterinarian", "physiotherapy", "password!234", "p@ssword1234", "p@ssw0rd1234", "passw0rd1234",
  "correcthorsebatterystaple", "correct horse battery staple", "letmeinletmein", "1q2w3e4r5t6y", "zaq12wsxcde3",
]);
