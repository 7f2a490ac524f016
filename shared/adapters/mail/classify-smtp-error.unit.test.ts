import { classifySmtpError } from './classify-smtp-error';

describe('classifySmtpError', () => {
  test.each([
    [{ code: 'EENVELOPE', responseCode: 451 }, 'temporary', true],
    [{ code: 'EMESSAGE', responseCode: 421 }, 'temporary', true],
    [{ code: 'EENVELOPE', responseCode: 550 }, 'rejected', false],
    [{ code: 'EMESSAGE', responseCode: 554 }, 'rejected', false],
    [{ code: 'ECONNECTION' }, 'unreachable', true],
    [{ code: 'ETIMEDOUT' }, 'unreachable', true],
    [{ code: 'ECONNREFUSED' }, 'unreachable', true],
    [{ code: 'EAUTH' }, 'rejected', false],
    [new Error('no code at all'), 'rejected', false],
  ])('%j is %s (retryable: %s)', (error, kind, retryable) => {
    const classified = classifySmtpError(
      error instanceof Error ? error : Object.assign(new Error('smtp'), error),
    );
    expect(classified).toMatchObject({ kind, retryable });
    expect(classified.cause).toBeDefined();
  });

  test('the reply code is kept for metrics and dead letters', () => {
    const error = Object.assign(new Error('busy'), { responseCode: 452 });
    expect(classifySmtpError(error).responseCode).toBe(452);
  });
});
