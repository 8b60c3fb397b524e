import { expect } from 'vitest'
import { StudioError } from '../../src/shared'

/** The StudioError a promise rejects with (fails the test when it resolves or rejects with anything else). */
export async function studioRejection(promise: Promise<unknown>): Promise<StudioError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  )
  expect(error).toBeInstanceOf(StudioError)
  return error as StudioError
}
