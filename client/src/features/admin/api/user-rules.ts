export type UserProblem = 'username' | 'displayName' | 'password';

export const MIN_PASSWORD_LENGTH = 12;

// The same rules as the server's contract (server/contracts/users.ts), checked before sending so
// that the person gets the reason in their own language.
export function passwordProblem(password: string): UserProblem | null {
  return password.length < MIN_PASSWORD_LENGTH || password.length > 256 ? 'password' : null;
}

export function newUserProblems(input: { username: string; displayName: string; password: string }): UserProblem[] {
  const problems: UserProblem[] = [];
  const username = input.username.trim();
  if (username.length < 2 || username.length > 64 || !/^[a-z0-9._-]+$/.test(username)) problems.push('username');
  if (input.displayName.trim().length === 0 || input.displayName.trim().length > 120) problems.push('displayName');
  const password = passwordProblem(input.password);
  if (password) problems.push(password);
  return problems;
}
