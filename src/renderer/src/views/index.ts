/**
 * The views the navigation offers, in order. A view is listed here only once it works end to end;
 * the navigation and the router are built from this table.
 */
import type { Component } from 'vue'
import HardwareView from './HardwareView.vue'

export interface ViewEntry {
  id: string
  label: string
  component: Component
}

export const VIEWS: readonly ViewEntry[] = [{ id: 'hardware', label: 'Hardware', component: HardwareView }]
