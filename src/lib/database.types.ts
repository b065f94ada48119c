export type Json = string | number | boolean | null | { [key: string]: Json | undefined } | Json[];

export type Database = {
	public: {
		Tables: {
			chat_attachments: {
				Row: {
					created_at: string;
					id: string;
					kind: string;
					media_type: string;
					message_id: string;
					name: string;
					object_path: string;
					position: number;
					session_id: string;
					sha256: string;
					size_bytes: number;
					text_content: string | null;
					text_cut: boolean;
					thumbnail_path: string | null;
					user_id: string;
				};
				ComputedFields: never;
				Insert: {
					created_at?: string;
					id?: string;
					kind: string;
					media_type: string;
					message_id: string;
					name: string;
					object_path: string;
					position: number;
					session_id: string;
					sha256: string;
					size_bytes: number;
					text_content?: string | null;
					text_cut?: boolean;
					thumbnail_path?: string | null;
					user_id?: string;
				};
				Update: {
					created_at?: string;
					id?: string;
					kind?: string;
					media_type?: string;
					message_id?: string;
					name?: string;
					object_path?: string;
					position?: number;
					session_id?: string;
					sha256?: string;
					size_bytes?: number;
					text_content?: string | null;
					text_cut?: boolean;
					thumbnail_path?: string | null;
					user_id?: string;
				};
				Relationships: [
					{
						foreignKeyName: 'chat_attachments_message_id_fkey';
						columns: ['message_id'];
						isOneToOne: false;
						referencedRelation: 'chat_messages';
						referencedColumns: ['id'];
					},
					{
						foreignKeyName: 'chat_attachments_session_id_fkey';
						columns: ['session_id'];
						isOneToOne: false;
						referencedRelation: 'chat_sessions';
						referencedColumns: ['id'];
					}
				];
			};
			chat_messages: {
				Row: {
					content: string;
					created_at: string;
					id: string;
					model: string | null;
					parent_id: string | null;
					position: number;
					progress_at: string | null;
					reasoning: string;
					reasoning_ms: number | null;
					role: Database['public']['Enums']['chat_role'];
					search: unknown;
					selected_at: string;
					session_id: string;
					status: Database['public']['Enums']['chat_message_status'];
					stop_requested_at: string | null;
					tools: Json | null;
					user_id: string;
					is_live: boolean | null;
				};
				ComputedFields: 'is_live';
				Insert: {
					content: string;
					created_at?: string;
					id?: string;
					model?: string | null;
					parent_id?: string | null;
					position?: never;
					progress_at?: string | null;
					reasoning?: string;
					reasoning_ms?: number | null;
					role: Database['public']['Enums']['chat_role'];
					search?: never;
					selected_at?: string;
					session_id: string;
					status?: Database['public']['Enums']['chat_message_status'];
					stop_requested_at?: string | null;
					tools?: Json | null;
					user_id?: string;
				};
				Update: {
					content?: string;
					created_at?: string;
					id?: string;
					model?: string | null;
					parent_id?: string | null;
					position?: never;
					progress_at?: string | null;
					reasoning?: string;
					reasoning_ms?: number | null;
					role?: Database['public']['Enums']['chat_role'];
					search?: never;
					selected_at?: string;
					session_id?: string;
					status?: Database['public']['Enums']['chat_message_status'];
					stop_requested_at?: string | null;
					tools?: Json | null;
					user_id?: string;
				};
				Relationships: [
					{
						foreignKeyName: 'chat_messages_parent_id_fkey';
						columns: ['parent_id'];
						isOneToOne: false;
						referencedRelation: 'chat_messages';
						referencedColumns: ['id'];
					},
					{
						foreignKeyName: 'chat_messages_session_id_fkey';
						columns: ['session_id'];
						isOneToOne: false;
						referencedRelation: 'chat_sessions';
						referencedColumns: ['id'];
					}
				];
			};
			chat_sessions: {
				Row: {
					allowed_tools: string[];
					created_at: string;
					disabled_tools: string[];
					id: string;
					model: string | null;
					search: unknown;
					system_prompt: string | null;
					title: string;
					updated_at: string;
					user_id: string;
				};
				ComputedFields: never;
				Insert: {
					allowed_tools?: string[];
					created_at?: string;
					disabled_tools?: string[];
					id?: string;
					model?: string | null;
					search?: never;
					system_prompt?: string | null;
					title: string;
					updated_at?: string;
					user_id?: string;
				};
				Update: {
					allowed_tools?: string[];
					created_at?: string;
					disabled_tools?: string[];
					id?: string;
					model?: string | null;
					search?: never;
					system_prompt?: string | null;
					title?: string;
					updated_at?: string;
					user_id?: string;
				};
				Relationships: [];
			};
			chat_shares: {
				Row: {
					created_at: string;
					messages: NonNullable<Json>;
					session_id: string;
					title: string;
					token: string;
					user_id: string;
				};
				ComputedFields: never;
				Insert: {
					created_at?: string;
					messages: NonNullable<Json>;
					session_id: string;
					title: string;
					token: string;
					user_id: string;
				};
				Update: {
					created_at?: string;
					messages?: NonNullable<Json>;
					session_id?: string;
					title?: string;
					token?: string;
					user_id?: string;
				};
				Relationships: [
					{
						foreignKeyName: 'chat_shares_session_id_fkey';
						columns: ['session_id'];
						isOneToOne: false;
						referencedRelation: 'chat_sessions';
						referencedColumns: ['id'];
					}
				];
			};
		};
		Views: {
			[_ in never]: never;
		};
		Functions: {
			chat_page: {
				Args: {
					p_at?: string;
					p_before?: string;
					p_chars?: number;
					p_limit?: number;
					p_list_before_id?: string;
					p_list_before_updated_at?: string;
					p_list_limit?: number;
					p_session_id: string;
				};
				Returns: Json;
			};
			create_share: {
				Args: { p_session_id: string; p_with_thinking?: boolean; p_with_tools?: boolean };
				Returns: {
					created_at: string;
					token: string;
				}[];
			};
			decide_tool_call: { Args: { p_call_id: string; p_decision: string; p_reply_id: string }; Returns: boolean };
			delete_my_account: { Args: Record<PropertyKey, never>; Returns: undefined };
			edit_message: {
				Args: { p_budget?: Json; p_content: string; p_message_id: string; p_model?: string; p_source_id: string };
				Returns: {
					attachments: Json;
					chat_model: string;
					content: string;
					depth: number;
					id: string;
					is_new: boolean;
					parent_id: string;
					reply_id: string;
					role: Database['public']['Enums']['chat_role'];
					session_id: string;
					status: Database['public']['Enums']['chat_message_status'];
					system_prompt: string;
					writer_token: string;
				}[];
			};
			finish_reply: {
				Args: {
					p_content: string;
					p_model: string;
					p_reasoning?: string;
					p_reasoning_ms?: number;
					p_reply_id: string;
					p_status: Database['public']['Enums']['chat_message_status'];
					p_title_pending?: boolean;
					p_tools?: Json;
					p_writer_token: string;
				};
				Returns: boolean;
			};
			get_chat: {
				Args: { p_at?: string; p_before?: string; p_chars?: number; p_limit?: number; p_session_id: string };
				Returns: {
					attachments: Json;
					chat_model: string;
					content: string;
					created_at: string;
					has_earlier: boolean;
					has_later: boolean;
					id: string;
					is_live: boolean;
					model: string;
					next_version: string;
					parent_id: string;
					previous_version: string;
					reasoning: string;
					reasoning_ms: number;
					role: Database['public']['Enums']['chat_role'];
					status: Database['public']['Enums']['chat_message_status'];
					system_prompt: string;
					title: string;
					tools: Json;
					version: number;
					versions: number;
				}[];
			};
			get_shared_chat: {
				Args: { p_token: string };
				Returns: {
					created_at: string;
					messages: Json;
					title: string;
				}[];
			};
			get_shared_file: {
				Args: { p_id: string; p_token: string };
				Returns: {
					kind: string;
					media_type: string;
					name: string;
					object_path: string;
					thumbnail_path: string;
				}[];
			};
			import_chats: { Args: { p_chats: Json }; Returns: string[] };
			is_live: {
				Args: {
					m: Omit<
						Database['public']['Tables']['chat_messages']['Row'],
						Database['public']['Tables']['chat_messages']['ComputedFields']
					>;
				};
				Returns: boolean;
			};
			list_chats: {
				Args: { p_before_id?: string; p_before_updated_at?: string; p_limit?: number };
				Returns: {
					id: string;
					title: string;
					updated_at: string;
				}[];
			};
			my_usage: {
				Args: Record<PropertyKey, never>;
				Returns: {
					concurrent_replies: number;
					period_seconds: number;
					plan: string;
					replies_per_period: number;
					replies_used: number;
				}[];
			};
			post_message: {
				Args: {
					p_attachments?: Json;
					p_budget?: Json;
					p_content: string;
					p_message_id: string;
					p_model?: string;
					p_parent_id?: string;
					p_session_id?: string;
					p_title?: string;
				};
				Returns: {
					attachments: Json;
					chat_model: string;
					content: string;
					depth: number;
					id: string;
					is_new: boolean;
					parent_id: string;
					reply_id: string;
					role: Database['public']['Enums']['chat_role'];
					session_id: string;
					status: Database['public']['Enums']['chat_message_status'];
					system_prompt: string;
					writer_token: string;
				}[];
			};
			regenerate_reply: {
				Args: { p_budget?: Json; p_reply_id: string };
				Returns: {
					attachments: Json;
					chat_model: string;
					content: string;
					depth: number;
					id: string;
					is_new: boolean;
					parent_id: string;
					reply_id: string;
					role: Database['public']['Enums']['chat_role'];
					session_id: string;
					status: Database['public']['Enums']['chat_message_status'];
					system_prompt: string;
					writer_token: string;
				}[];
			};
			reply_disabled_tools: { Args: { p_reply_id: string; p_writer_token: string }; Returns: string[] };
			restart_reply: {
				Args: { p_budget?: Json; p_reply_id: string };
				Returns: {
					attachments: Json;
					chat_model: string;
					content: string;
					depth: number;
					id: string;
					parent_id: string;
					role: Database['public']['Enums']['chat_role'];
					session_id: string;
					status: Database['public']['Enums']['chat_message_status'];
					system_prompt: string;
					writer_token: string;
				}[];
			};
			search_chats: {
				Args: { p_limit?: number; p_query: string };
				Returns: {
					created_at: string;
					message_id: string;
					rank: number;
					session_id: string;
					snippet: string;
					title: string;
				}[];
			};
			select_version: { Args: { p_message_id: string }; Returns: string };
			set_reply_title: {
				Args: { p_reply_id: string; p_stand_in: string; p_title: string; p_writer_token: string };
				Returns: string;
			};
			stop_reply: { Args: { p_reply_id: string }; Returns: Database['public']['Enums']['chat_message_status'] };
			storage_usage: {
				Args: Record<PropertyKey, never>;
				Returns: {
					limit_bytes: number;
					used_bytes: number;
				}[];
			};
			tool_call_permission: {
				Args: { p_call_id: string; p_reply_id: string; p_tool: string; p_writer_token: string };
				Returns: string;
			};
			write_reply_progress: {
				Args: { p_content: string; p_reasoning?: string; p_reply_id: string; p_tools?: Json; p_writer_token: string };
				Returns: string;
			};
		};
		Enums: {
			chat_message_status: 'complete' | 'streaming' | 'error' | 'stopped';
			chat_role: 'user' | 'assistant';
		};
		CompositeTypes: {
			[_ in never]: never;
		};
	};
};

type DatabaseWithoutInternals = Omit<Database, '__InternalSupabase'>;

type DefaultSchema = DatabaseWithoutInternals[Extract<keyof Database, 'public'>];

export type Tables<
	DefaultSchemaTableNameOrOptions extends
		keyof (DefaultSchema['Tables'] & DefaultSchema['Views']) | { schema: keyof DatabaseWithoutInternals },
	TableName extends (DefaultSchemaTableNameOrOptions extends {
		schema: keyof DatabaseWithoutInternals;
	}
		? keyof (DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions['schema']]['Tables'] &
				DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions['schema']]['Views'])
		: never) = never
> = DefaultSchemaTableNameOrOptions extends { schema: keyof DatabaseWithoutInternals }
	? (DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions['schema']]['Tables'] &
			DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions['schema']]['Views'])[TableName] extends {
			Row: infer R;
		}
		? R
		: never
	: DefaultSchemaTableNameOrOptions extends keyof (DefaultSchema['Tables'] & DefaultSchema['Views'])
		? (DefaultSchema['Tables'] & DefaultSchema['Views'])[DefaultSchemaTableNameOrOptions] extends {
				Row: infer R;
			}
			? R
			: never
		: never;

export type TablesInsert<
	DefaultSchemaTableNameOrOptions extends keyof DefaultSchema['Tables'] | { schema: keyof DatabaseWithoutInternals },
	TableName extends (DefaultSchemaTableNameOrOptions extends {
		schema: keyof DatabaseWithoutInternals;
	}
		? keyof DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions['schema']]['Tables']
		: never) = never
> = DefaultSchemaTableNameOrOptions extends { schema: keyof DatabaseWithoutInternals }
	? DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions['schema']]['Tables'][TableName] extends {
			Insert: infer I;
		}
		? I
		: never
	: DefaultSchemaTableNameOrOptions extends keyof DefaultSchema['Tables']
		? DefaultSchema['Tables'][DefaultSchemaTableNameOrOptions] extends {
				Insert: infer I;
			}
			? I
			: never
		: never;

export type TablesUpdate<
	DefaultSchemaTableNameOrOptions extends keyof DefaultSchema['Tables'] | { schema: keyof DatabaseWithoutInternals },
	TableName extends (DefaultSchemaTableNameOrOptions extends {
		schema: keyof DatabaseWithoutInternals;
	}
		? keyof DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions['schema']]['Tables']
		: never) = never
> = DefaultSchemaTableNameOrOptions extends { schema: keyof DatabaseWithoutInternals }
	? DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions['schema']]['Tables'][TableName] extends {
			Update: infer U;
		}
		? U
		: never
	: DefaultSchemaTableNameOrOptions extends keyof DefaultSchema['Tables']
		? DefaultSchema['Tables'][DefaultSchemaTableNameOrOptions] extends {
				Update: infer U;
			}
			? U
			: never
		: never;

export type Enums<
	DefaultSchemaEnumNameOrOptions extends keyof DefaultSchema['Enums'] | { schema: keyof DatabaseWithoutInternals },
	EnumName extends (DefaultSchemaEnumNameOrOptions extends {
		schema: keyof DatabaseWithoutInternals;
	}
		? keyof DatabaseWithoutInternals[DefaultSchemaEnumNameOrOptions['schema']]['Enums']
		: never) = never
> = DefaultSchemaEnumNameOrOptions extends { schema: keyof DatabaseWithoutInternals }
	? DatabaseWithoutInternals[DefaultSchemaEnumNameOrOptions['schema']]['Enums'][EnumName]
	: DefaultSchemaEnumNameOrOptions extends keyof DefaultSchema['Enums']
		? DefaultSchema['Enums'][DefaultSchemaEnumNameOrOptions]
		: never;

export type CompositeTypes<
	PublicCompositeTypeNameOrOptions extends
		keyof DefaultSchema['CompositeTypes'] | { schema: keyof DatabaseWithoutInternals },
	CompositeTypeName extends (PublicCompositeTypeNameOrOptions extends {
		schema: keyof DatabaseWithoutInternals;
	}
		? keyof DatabaseWithoutInternals[PublicCompositeTypeNameOrOptions['schema']]['CompositeTypes']
		: never) = never
> = PublicCompositeTypeNameOrOptions extends { schema: keyof DatabaseWithoutInternals }
	? DatabaseWithoutInternals[PublicCompositeTypeNameOrOptions['schema']]['CompositeTypes'][CompositeTypeName]
	: PublicCompositeTypeNameOrOptions extends keyof DefaultSchema['CompositeTypes']
		? DefaultSchema['CompositeTypes'][PublicCompositeTypeNameOrOptions]
		: never;

export const Constants = {
	public: {
		Enums: {
			chat_message_status: ['complete', 'streaming', 'error', 'stopped'],
			chat_role: ['user', 'assistant']
		}
	}
} as const;
