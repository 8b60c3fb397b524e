// @vitest-environment node
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { SETTINGS_FILE_NAME, chooseBackend } from './backend-choice'

const USER_DATA = '/home/u/.config/LiGO Studio'
const SETTINGS = join(USER_DATA, SETTINGS_FILE_NAME)

/** A settings file with this text (undefined: no file). */
function settingsFile(text: string | undefined) {
  return (path: string): string => {
    if (path !== SETTINGS) throw new Error(`unexpected read of ${path}`)
    if (text === undefined) throw Object.assign(new Error(`ENOENT: no such file, open '${path}'`), { code: 'ENOENT' })
    return text
  }
}

describe('chooseBackend', () => {
  it('is automatic with no setting and no environment', () => {
    expect(chooseBackend(USER_DATA, {}, settingsFile(undefined))).toEqual({ backend: null, backendSource: null, warnings: [] })
    expect(chooseBackend(USER_DATA, { LIGO_BACKEND: 'auto' }, settingsFile('{"backend":"auto"}'))).toEqual({ backend: null, backendSource: null, warnings: [] })
  })

  it('uses LIGO_BACKEND when there is no setting', () => {
    expect(chooseBackend(USER_DATA, { LIGO_BACKEND: 'wasm' }, settingsFile('{"theme":"dark"}'))).toEqual({ backend: 'wasm', backendSource: 'environment', warnings: [] })
  })

  it('lets the setting win over the environment, and says so', () => {
    const choice = chooseBackend(USER_DATA, { LIGO_BACKEND: 'wasm' }, settingsFile('{"backend":"cpu"}'))
    expect([choice.backend, choice.backendSource]).toEqual(['cpu', 'setting'])
    expect(choice.warnings).toEqual([`LIGO_BACKEND=wasm is overridden by the backend setting "cpu" in ${SETTINGS}.`])
  })

  it('ignores invalid values with a warning that names the file or variable, the value and the choices', () => {
    const badSetting = chooseBackend(USER_DATA, { LIGO_BACKEND: 'wasm' }, settingsFile('{"backend":"cuda"}'))
    expect([badSetting.backend, badSetting.backendSource]).toEqual(['wasm', 'environment'])
    expect(badSetting.warnings).toEqual([
      `Unknown backend "cuda" in "backend" of ${SETTINGS}. Expected one of: tensorflow-gpu, tensorflow, wasm, cpu (or empty / "auto" to choose automatically). Ignoring it.`,
    ])

    const badEnv = chooseBackend(USER_DATA, { LIGO_BACKEND: 'gpu' }, settingsFile(undefined))
    expect([badEnv.backend, badEnv.backendSource]).toEqual([null, null])
    expect(badEnv.warnings[0]).toMatch(/^Unknown backend "gpu" in LIGO_BACKEND\. Expected one of: tensorflow-gpu, /)

    const badJson = chooseBackend(USER_DATA, {}, settingsFile('{backend: cpu'))
    expect(badJson.backend).toBeNull()
    expect(badJson.warnings[0]).toMatch(new RegExp(`^${SETTINGS.replace(/[.]/g, '\\.')} is not valid JSON`))

    expect(chooseBackend(USER_DATA, {}, settingsFile('["cpu"]')).warnings).toEqual([`${SETTINGS} must hold a JSON object. Ignoring it.`])
    expect(chooseBackend(USER_DATA, {}, settingsFile('{"backend":7}')).warnings).toEqual([`"backend" in ${SETTINGS} must be a string, got 7. Ignoring it.`])
  })
})
