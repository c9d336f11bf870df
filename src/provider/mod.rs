//! The tfplugin6 Provider service. PLACEHOLDER: being written in this session.
