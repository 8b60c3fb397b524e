/**
 * Test setup shared by store and view tests: before each test a new FakeStudioClient is installed and a fresh
 * Pinia activated. Returns a getter for the current test's client.
 */
import { createPinia, setActivePinia } from 'pinia'
import { beforeEach } from 'vitest'
import { installStudioClient, type HostMode } from '../composables/client'
import { FakeStudioClient } from './fake-studio-client'

export function fakeClientPerTest(mode: HostMode = 'browser'): () => FakeStudioClient {
  let client: FakeStudioClient | null = null
  beforeEach(() => {
    client = new FakeStudioClient(mode)
    installStudioClient(client)
    setActivePinia(createPinia())
  })
  return () => {
    if (!client) throw new Error('fakeClientPerTest: no test is running')
    return client
  }
}

/** Lets pending promise callbacks run (one macrotask). */
export const flushTasks = () => new Promise((resolve) => setTimeout(resolve, 0))
