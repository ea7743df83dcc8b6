// The node daemon lands with the node daemon issue; until then this entry point only says so.
Console.Error.WriteLine("Chain.Node: the node daemon is not built yet (see README).");
return 1;
