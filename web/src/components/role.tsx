import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import type { Role } from '../types';

/** The signed-in token's role; read-only tokens get no action buttons (the server refuses them anyway). */
export const RoleContext = createContext<Role>('read');

export const useCanAct = (): boolean => useContext(RoleContext) === 'admin';
