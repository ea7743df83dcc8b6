namespace Chain.Node.Services;

/// <summary>The data folder cannot be used as configured; the message names the setting.</summary>
public sealed class DataFolderException(string message, Exception? innerException = null) : Exception(message, innerException);
