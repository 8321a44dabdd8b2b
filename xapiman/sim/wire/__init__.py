"""Wire encodings of XAPI values: XML-RPC and JSON-RPC, as xapi writes and reads them."""
